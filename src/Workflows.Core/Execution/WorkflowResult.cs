namespace Workflows;

/// <summary>
/// The outcome of a run. Always returned, also for failed, cancelled and timed-out runs, with every step reached.
/// Plain data: serializable with System.Text.Json.
/// </summary>
public sealed record WorkflowResult
{
    /// <summary>Gets the workflow's name.</summary>
    public required string WorkflowName { get; init; }

    /// <summary>Gets the run's id (a UUID, new for every run).</summary>
    public required string WorkflowId { get; init; }

    /// <summary>Gets the run's correlation id (the caller's, the current trace's, or a new one).</summary>
    public required string CorrelationId { get; init; }

    /// <summary>Gets the run's final status.</summary>
    public required WorkflowStatus Status { get; init; }

    /// <summary>Gets the output of the last step that completed, or <see langword="null"/> when none did.</summary>
    public object? Output { get; init; }

    /// <summary>
    /// Gets the result of every step that ran (completed, failed or interrupted), in run order; a parallel group, map,
    /// route, loop or sub-workflow is followed by the steps it ran, in definition (item) order, each with its
    /// <see cref="StepResult.Path"/>.
    /// </summary>
    public IReadOnlyList<StepResult> Steps { get; init; } = [];

    /// <summary>Gets the run's totals and per-step figures.</summary>
    public ExecutionMetrics Metrics { get; init; } = new();

    /// <summary>Gets why the run did not complete, when it did not.</summary>
    public ErrorInfo? Error { get; init; }

    /// <summary>Gets whether the run completed.</summary>
    public bool IsSuccess => Status == WorkflowStatus.Completed;

    /// <summary>Finds the result of a step by its path (<c>review/pros</c>, <c>summaries[3]</c>) or its name.</summary>
    /// <param name="stepName">The step's path, or its name: for a step that ran several times (in a loop or a map), the last run of it.</param>
    /// <returns>The step's result, or <see langword="null"/> when the step did not run.</returns>
    public StepResult? GetStep(string stepName) =>
        Steps.FirstOrDefault(s => string.Equals(s.Path, stepName, StringComparison.Ordinal))
        ?? Steps.LastOrDefault(s => string.Equals(s.StepName, stepName, StringComparison.Ordinal));
}
