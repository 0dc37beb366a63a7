namespace Workflows;

/// <summary>Timing, usage and cost of one step, as part of <see cref="ExecutionMetrics"/>.</summary>
/// <param name="StepName">The step's name.</param>
/// <param name="StartedAt">When the step started.</param>
/// <param name="CompletedAt">When the step ended.</param>
/// <param name="Duration">How long the step took.</param>
/// <param name="Usage">The tokens of the step's model calls.</param>
/// <param name="Cost">The cost of the step's model calls.</param>
public sealed record StepMetrics(
    string StepName,
    DateTimeOffset StartedAt,
    DateTimeOffset CompletedAt,
    TimeSpan Duration,
    TokenUsage Usage,
    CostEstimate Cost)
{
    /// <summary>Gets the step's branch path (see <see cref="StepResult.Path"/>).</summary>
    /// <value>The default value is <see cref="StepName"/>.</value>
    public string Path
    {
        get => field ?? StepName;
        init;
    }
}
