namespace Workflows;

/// <summary>
/// Settings of <see cref="PiiRedactionMiddleware"/>; bound from <c>GenAiWorkflows:Safety:Pii</c> as part of
/// <see cref="SafetyOptions"/>.
/// </summary>
public sealed class PiiRedactionOptions
{
    /// <summary>
    /// Gets or sets whether the host applies the guard (set by configuration, or by <c>UsePiiRedaction()</c>). A
    /// <see cref="PiiRedactionMiddleware"/> you create and add yourself always runs.
    /// </summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool Enabled { get; set; }

    /// <summary>Gets or sets what happens when personal data is found.</summary>
    /// <value>The default value is <see cref="PiiGuardAction.Redact"/>.</value>
    public PiiGuardAction Action { get; set; } = PiiGuardAction.Redact;

    /// <summary>Gets or sets whether model responses are scanned too (redacted or blocked like prompts).</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool ScanOutput { get; set; }

    /// <summary>Gets the built-in recognizers (<see cref="PiiTypes"/>) that do not run, compared ignoring case.</summary>
    /// <value>The default value is empty: all recognizers run.</value>
    public ISet<string> DisabledRecognizers { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
}
