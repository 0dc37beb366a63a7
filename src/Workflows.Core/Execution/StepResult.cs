namespace Workflows;

/// <summary>The outcome of one step of a run: status, output, error, usage, cost and timing.</summary>
public sealed record StepResult
{
    /// <summary>Gets the step's name.</summary>
    public required string StepName { get; init; }

    /// <summary>
    /// Gets the step's branch path: its name at the top level; inside a parallel group, route, loop or sub-workflow the
    /// enclosing step's path, <c>/</c> and its name (<c>review/pros</c>); a map item's index in brackets
    /// (<c>summaries[3]</c>, or <c>summaries[3]/extract</c> when the mapped body has several steps); a loop iteration's
    /// number, from 1, likewise (<c>refine[2]/draft</c>).
    /// </summary>
    /// <value>The default value is <see cref="StepName"/>.</value>
    public string Path
    {
        get => field ?? StepName;
        init;
    }

    /// <summary>Gets the step's kind (<c>llm</c>, <c>transform</c> or the step's type name).</summary>
    public required string StepType { get; init; }

    /// <summary>Gets the step's final status.</summary>
    public required StepStatus Status { get; init; }

    /// <summary>Gets whether the step's failure fails the run.</summary>
    public bool IsCritical { get; init; } = true;

    /// <summary>Gets the step's output when it completed.</summary>
    public object? Output { get; init; }

    /// <summary>Gets the error when the step failed or was interrupted.</summary>
    public ErrorInfo? Error { get; init; }

    /// <summary>Gets the tokens of the step's model calls.</summary>
    public TokenUsage Usage { get; init; } = TokenUsage.Empty;

    /// <summary>Gets the cost of the step's model calls.</summary>
    public CostEstimate Cost { get; init; } = CostEstimate.Zero;

    /// <summary>Gets the number of model calls the step made.</summary>
    public int LlmCalls { get; init; }

    /// <summary>Gets the model that answered the step's last call, if it made one.</summary>
    public string? Model { get; init; }

    /// <summary>Gets the registered provider the step's last call went to, if it made one.</summary>
    public string? Provider { get; init; }

    /// <summary>Gets how many times the step was attempted (more than one when a step retry policy retried it).</summary>
    public int Attempts { get; init; } = 1;

    /// <summary>Gets when the step started.</summary>
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>Gets when the step ended.</summary>
    public DateTimeOffset CompletedAt { get; init; }

    /// <summary>Gets how long the step took.</summary>
    public TimeSpan Duration { get; init; }
}
