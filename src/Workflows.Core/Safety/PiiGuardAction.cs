namespace Workflows;

/// <summary>What <see cref="PiiRedactionMiddleware"/> does when it finds personal data.</summary>
public enum PiiGuardAction
{
    /// <summary>Masks each finding as <c>[TYPE]</c> (for example <c>[EMAIL]</c>) and lets the call go on.</summary>
    Redact,

    /// <summary>Stops the run before the text reaches the model (or, for output, a later step).</summary>
    Block,
}
