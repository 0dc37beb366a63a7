using System.Globalization;
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

    public void EnsureAffordable(TokenUsageTracker usage, LlmRequest request)
    {
        long inputEstimate = 0;
        foreach (var message in request.Messages)
        {
            inputEstimate += MockLlmProvider.CountTokens(message.Content);
        }

        var callTokens = inputEstimate + (request.MaxTokens ?? 0);
        if (Budget.MaxTokens is { } maxTokens)
        {
            var spent = usage.Total.TotalTokens;
            if (spent >= maxTokens || spent + callTokens > maxTokens)
            {
                throw new BudgetExceededException(
                    "tokens", Source, maxTokens, spent, callTokens,
                    Invariant($"The {Source} token budget of {maxTokens} tokens would be exceeded: {spent} spent so far, and the next call ") +
                    Invariant($"to {request.Model} may use up to {callTokens} ({inputEstimate} input estimated + {request.MaxTokens ?? 0} max output). ") +
                    "Raise the budget, lower MaxTokens, or shorten the prompts.");
            }
        }

        if (Budget.MaxCostUsd is { } maxCost)
        {
            var spentCost = usage.TotalCost;
            if (!spentCost.IsComplete || !prices.TryGetPrice(request.Model, out var price))
            {
                var unpriced = spentCost.IsComplete ? request.Model : string.Join(", ", spentCost.UnpricedModels);
                throw new BudgetExceededException(
                    "cost", Source, maxCost, spentCost.AmountUsd, 0,
                    $"The {Source} cost budget of ${maxCost.ToString(CultureInfo.InvariantCulture)} cannot be enforced: model {unpriced} has no price. " +
                    $"Add it under {GenAiWorkflowOptions.SectionName}:Pricing or use a token budget.");
            }

            var callCost = price.CostOf(TokenUsage.From(inputEstimate, request.MaxTokens ?? 0));
            if (spentCost.AmountUsd >= maxCost || spentCost.AmountUsd + callCost > maxCost)
            {
                throw new BudgetExceededException(
                    "cost", Source, maxCost, spentCost.AmountUsd, callCost,
                    Invariant($"The {Source} cost budget of ${maxCost} would be exceeded: ${spentCost.AmountUsd:0.######} spent so far, and the next ") +
                    Invariant($"call to {request.Model} may cost up to ${callCost:0.######}. Raise the budget or lower MaxTokens."));
            }
        }
    }
}
