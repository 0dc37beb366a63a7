namespace Workflows;

/// <summary>Settings of one run.</summary>
public sealed record WorkflowRunOptions
{
    /// <summary>Gets the correlation id to carry through logs and spans; taken from the current trace or new when <see langword="null"/>.</summary>
    public string? CorrelationId { get; init; }

    /// <summary>Gets the run's timeout; the configured <see cref="GenAiWorkflowOptions.TimeoutSeconds"/> when <see langword="null"/>.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Gets the budget of this run; the workflow's or the configured budget when <see langword="null"/>.</summary>
    public RunBudget? Budget { get; init; }
}
