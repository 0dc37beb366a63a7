namespace Workflows;

/// <summary>What <see cref="PromptInjectionGuardMiddleware"/> does when it finds a prompt-injection pattern.</summary>
public enum PromptInjectionGuardAction
{
    /// <summary>Stops the run before any model call sees the text.</summary>
    Block,

    /// <summary>Logs a warning and records telemetry; the run goes on.</summary>
    Warn,
}
