using System.Globalization;
using Microsoft.Extensions.AI;
using static System.FormattableString;

namespace Workflows;

/// <summary>
/// Checks a run's spend against its budget before each model call and reserves what the call may use until it is settled,
/// so that concurrent branches of one run can never together start calls the budget cannot pay for.
/// </summary>
internal sealed class BudgetGuard(RunBudget budget, string source, PriceTable prices)
{
    private readonly Lock _gate = new();
    private long _reservedTokens;
    private decimal _reservedCost;

    public RunBudget Budget { get; } = budget;

    public string Source { get; } = source;

    public static BudgetGuard? Create(WorkflowRunOptions? runOptions, Workflow workflow, GenAiWorkflowOptions options, PriceTable prices)
    {
        if (runOptions?.Budget is { HasLimits: true } run)
        {
            return new BudgetGuard(run, "run", prices);
        }

        if (workflow.Budget is { HasLimits: true } perWorkflow)
        {
            return new BudgetGuard(perWorkflow, "workflow", prices);
        }

        return options.Budget is { HasLimits: true } configured ? new BudgetGuard(configured, "configuration", prices) : null;
    }

    /// <summary>Estimates a request's input tokens from its text (text, tool calls and tool results), the mock's way.</summary>
    public static long EstimateInputTokens(IReadOnlyList<ChatMessage> messages)
    {
        long estimate = 0;
        foreach (var message in messages)
        {
            foreach (var content in message.Contents)
            {
                estimate += content switch
                {
                    TextContent text => MockChatClient.CountTokens(text.Text),
                    FunctionCallContent call => MockChatClient.CountTokens(call.Name) + MockChatClient.CountTokens(call.Arguments is null ? null : string.Join(",", call.Arguments)),
                    FunctionResultContent result => MockChatClient.CountTokens(result.Result?.ToString()),
                    _ => 0,
                };
            }
        }

        return estimate;
    }

    /// <summary>
    /// Reserves what the next call may use (input estimate plus its maximum output) when spend and the reservations of calls
    /// still in flight leave room for it; throws <see cref="BudgetExceededException"/> otherwise. Settle with <see cref="Release"/>
    /// after the call's usage is recorded.
    /// </summary>
    public BudgetReservation Reserve(TokenUsageTracker usage, string model, long inputEstimate, int? maxOutputTokens)
    {
        var callTokens = inputEstimate + (maxOutputTokens ?? 0);
        lock (_gate)
        {
            var callCost = 0m;
            if (Budget.MaxTokens is { } maxTokens)
            {
                var spent = usage.BudgetTokens + _reservedTokens;
                if (spent >= maxTokens || spent + callTokens > maxTokens)
                {
                    throw new BudgetExceededException(
                        "tokens", Source, maxTokens, spent, callTokens,
                        Invariant($"The {Source} token budget of {maxTokens} tokens would be exceeded: {spent} spent so far{InFlight(_reservedTokens)}, and the next call ") +
                        Invariant($"to {model} may use up to {callTokens} ({inputEstimate} input estimated + {maxOutputTokens ?? 0} max output). ") +
                        "Raise the budget, lower MaxTokens, or shorten the prompts.");
                }
            }

            if (Budget.MaxCostUsd is { } maxCost)
            {
                var spentCost = usage.TotalCost;
                if (spentCost.UnpricedModels.Count > 0 || !prices.TryGetPrice(model, out var price))
                {
                    var unpriced = spentCost.UnpricedModels.Count == 0 ? model : string.Join(", ", spentCost.UnpricedModels);
                    throw new BudgetExceededException(
                        "cost", Source, maxCost, spentCost.AmountUsd, 0,
                        $"The {Source} cost budget of ${maxCost.ToString(CultureInfo.InvariantCulture)} cannot be enforced: model {unpriced} has no price. " +
                        $"Add it under {GenAiWorkflowOptions.SectionName}:Pricing or use a token budget.");
                }

                callCost = price.CostOf(TokenUsage.From(inputEstimate, maxOutputTokens ?? 0));
                var spentUsd = spentCost.AmountUsd + _reservedCost;
                if (spentUsd >= maxCost || spentUsd + callCost > maxCost)
                {
                    throw new BudgetExceededException(
                        "cost", Source, maxCost, spentUsd, callCost,
                        Invariant($"The {Source} cost budget of ${maxCost} would be exceeded: ${spentUsd:0.######} spent so far{InFlight(_reservedCost)}, and the next ") +
                        Invariant($"call to {model} may cost up to ${callCost:0.######}. Raise the budget or lower MaxTokens."));
                }
            }

            _reservedTokens += callTokens;
            _reservedCost += callCost;
            return new BudgetReservation(callTokens, callCost);
        }
    }

    /// <summary>Releases a call's reservation (after its usage is recorded, so spend is never counted short).</summary>
    public void Release(BudgetReservation reservation)
    {
        lock (_gate)
        {
            _reservedTokens -= reservation.Tokens;
            _reservedCost -= reservation.CostUsd;
        }
    }

    private static string InFlight(long tokens) => tokens == 0 ? string.Empty : Invariant($" (including {tokens} reserved by calls in flight)");

    private static string InFlight(decimal cost) => cost == 0 ? string.Empty : Invariant($" (including ${cost:0.######} reserved by calls in flight)");
}

/// <summary>What one model call has reserved of its run's budget.</summary>
internal readonly record struct BudgetReservation(long Tokens, decimal CostUsd);
