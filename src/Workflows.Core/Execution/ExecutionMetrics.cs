namespace Workflows;

/// <summary>Totals of a run: timing, tokens, cost, model calls, and the per-step figures.</summary>
public sealed record ExecutionMetrics
{
    /// <summary>Gets when the run started.</summary>
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>Gets when the run ended.</summary>
    public DateTimeOffset CompletedAt { get; init; }

    /// <summary>Gets how long the run took.</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>Gets the tokens of all model calls of the run.</summary>
    public TokenUsage TotalUsage { get; init; } = TokenUsage.Empty;

    /// <summary>Gets the cost of all model calls of the run.</summary>
    public CostEstimate TotalCost { get; init; } = CostEstimate.Zero;

    /// <summary>Gets the number of model calls of the run.</summary>
    public int LlmCalls { get; init; }

    /// <summary>Gets the number of steps that completed.</summary>
    public int StepsCompleted { get; init; }

    /// <summary>Gets the number of steps that failed or were interrupted.</summary>
    public int StepsFailed { get; init; }

    /// <summary>Gets the figures of each step that ran, in run order.</summary>
    public IReadOnlyList<StepMetrics> Steps { get; init; } = [];
}
