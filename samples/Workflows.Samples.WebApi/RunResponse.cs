namespace Workflows.Samples.WebApi;

/// <summary>The JSON body of a run: what happened, each step, usage, cost and durations.</summary>
public sealed record RunResponse(
    string Workflow,
    string RunId,
    string CorrelationId,
    string Status,
    object? Output,
    RunError? Error,
    UsageResponse Usage,
    CostResponse Cost,
    double DurationMs,
    int ModelCalls,
    IReadOnlyList<StepResponse> Steps)
{
    /// <summary>Maps the engine's result.</summary>
    public static RunResponse From(WorkflowResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new RunResponse(
            result.WorkflowName,
            result.WorkflowId,
            result.CorrelationId,
            result.Status.ToString(),
            Plain(result.Output),
            RunError.From(result.Error),
            UsageResponse.From(result.Metrics.TotalUsage),
            CostResponse.From(result.Metrics.TotalCost),
            result.Metrics.Duration.TotalMilliseconds,
            result.Metrics.LlmCalls,
            [.. result.Steps.Select(StepResponse.From)]);
    }

    /// <summary>
    /// Outputs of any type: strings and numbers as they are, a map's list and a parallel group's dictionary item by item,
    /// anything else as its text (never a serialization failure).
    /// </summary>
    internal static object? Plain(object? output) => output switch
    {
        null or string or bool or int or long or double or decimal => output,
        IReadOnlyDictionary<string, object?> outputs => outputs.ToDictionary(static o => o.Key, static o => Plain(o.Value)),
        System.Collections.IEnumerable items => items.Cast<object?>().Select(Plain).ToList(),
        _ => Convert.ToString(output, System.Globalization.CultureInfo.InvariantCulture),
    };
}

/// <summary>One step of a run; <see cref="Path"/> tells where it ran (<c>review/pros</c>, <c>summaries[3]</c>).</summary>
public sealed record StepResponse(
    string Name, string Path, string Type, string Status, object? Output, string? Provider, string? Model, int ModelCalls, int Attempts,
    UsageResponse Usage, CostResponse Cost, double DurationMs, RunError? Error)
{
    internal static StepResponse From(StepResult step) => new(
        step.StepName, step.Path, step.StepType, step.Status.ToString(), RunResponse.Plain(step.Output), step.Provider, step.Model,
        step.LlmCalls, step.Attempts, UsageResponse.From(step.Usage), CostResponse.From(step.Cost), step.Duration.TotalMilliseconds,
        RunError.From(step.Error));
}

/// <summary>Tokens used; a count the provider did not report is <see langword="null"/> (unknown), never 0.</summary>
public sealed record UsageResponse(long? InputTokens, long? OutputTokens, long? TotalTokens)
{
    internal static UsageResponse From(TokenUsage usage) => new(usage.InputTokens, usage.OutputTokens, usage.TotalTokens);
}

/// <summary>
/// Cost in US dollars; <see cref="UnpricedModels"/> lists models without a price and <see cref="CallsWithoutUsage"/> counts
/// calls whose provider reported no usage (then the amount is a lower bound).
/// </summary>
public sealed record CostResponse(decimal AmountUsd, bool IsComplete, IReadOnlyList<string> UnpricedModels, int CallsWithoutUsage)
{
    internal static CostResponse From(CostEstimate cost) => new(cost.AmountUsd, cost.IsComplete, cost.UnpricedModels, cost.CallsWithoutUsage);
}

/// <summary>Why a run or step did not complete (no exception type or stack trace); <see cref="Step"/> is the step's path.</summary>
public sealed record RunError(string Kind, string Message, string? Step)
{
    internal static RunError? From(ErrorInfo? error) => error is null ? null : new(error.Kind.ToString(), error.Message, error.StepPath);
}
