namespace Workflows;

/// <summary>
/// The safety guardrails of a host, bound from <c>GenAiWorkflows:Safety</c> and validated on start. A guard whose
/// <c>Enabled</c> is <see langword="true"/> applies to every run without code.
/// </summary>
public sealed class SafetyOptions
{
    /// <summary>The configuration section: <c>GenAiWorkflows:Safety</c>.</summary>
    public const string SectionName = GenAiWorkflowOptions.SectionName + ":Safety";

    /// <summary>Gets the PII guard's settings (<c>GenAiWorkflows:Safety:Pii</c>).</summary>
    public PiiRedactionOptions Pii { get; } = new();

    /// <summary>Gets the prompt-injection guard's settings (<c>GenAiWorkflows:Safety:PromptInjection</c>).</summary>
    public PromptInjectionGuardOptions PromptInjection { get; } = new();

    /// <summary>Gets the run-input checks' settings (<c>GenAiWorkflows:Safety:Inputs</c>).</summary>
    public InputValidationOptions Inputs { get; } = new();
}
