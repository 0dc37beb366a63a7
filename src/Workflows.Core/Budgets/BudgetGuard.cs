using System.Globalization;
using Microsoft.Extensions.AI;
using static System.FormattableString;

namespace Workflows;

/// <summary>Checks a run's spend against its budget before each model call.</summary>
internal sealed class BudgetGuard(RunBudget budget, string source, PriceTable prices)
{
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

    public void EnsureAffordable(TokenUsageTracker usage, string model, long inputEstimate, int? maxOutputTokens)
    {
        var callTokens = inputEstimate + (maxOutputTokens ?? 0);
        if (Budget.MaxTokens is { } maxTokens)
        {
            var spent = usage.BudgetTokens;
            if (spent >= maxTokens || spent + callTokens > maxTokens)
            {
                throw new BudgetExceededException(
                    "tokens", Source, maxTokens, spent, callTokens,
                    Invariant($"The {Source} token budget of {maxTokens} tokens would be exceeded: {spent} spent so far, and the next call ") +
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

            var callCost = price.CostOf(TokenUsage.From(inputEstimate, maxOutputTokens ?? 0));
            if (spentCost.AmountUsd >= maxCost || spentCost.AmountUsd + callCost > maxCost)
            {
                throw new BudgetExceededException(
                    "cost", Source, maxCost, spentCost.AmountUsd, callCost,
                    Invariant($"The {Source} cost budget of ${maxCost} would be exceeded: ${spentCost.AmountUsd:0.######} spent so far, and the next ") +
                    Invariant($"call to {model} may cost up to ${callCost:0.######}. Raise the budget or lower MaxTokens."));
            }
        }
    }
}
