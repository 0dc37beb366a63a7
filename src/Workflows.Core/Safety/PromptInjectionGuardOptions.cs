namespace Workflows;

/// <summary>
/// Settings of <see cref="PromptInjectionGuardMiddleware"/>; bound from <c>GenAiWorkflows:Safety:PromptInjection</c> as
/// part of <see cref="SafetyOptions"/>.
/// </summary>
public sealed class PromptInjectionGuardOptions
{
    /// <summary>
    /// Gets or sets whether the host applies the guard (set by configuration, or by <c>UsePromptInjectionGuard()</c>). A
    /// <see cref="PromptInjectionGuardMiddleware"/> you create and add yourself always runs.
    /// </summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool Enabled { get; set; }

    /// <summary>Gets or sets what happens when an injection pattern is found.</summary>
    /// <value>The default value is <see cref="PromptInjectionGuardAction.Block"/>.</value>
    public PromptInjectionGuardAction Action { get; set; } = PromptInjectionGuardAction.Block;

    /// <summary>
    /// Gets or sets whether model responses are scanned too, so that a step's output carrying an injection (indirect
    /// injection, for example from a fetched document) is stopped before later steps' prompts use it.
    /// </summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool ScanStepOutputs { get; set; }

    /// <summary>Gets the built-in patterns (<see cref="PromptInjectionPatterns"/>) that do not run, compared ignoring case.</summary>
    /// <value>The default value is empty: all patterns run.</value>
    public ISet<string> DisabledPatterns { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
}
