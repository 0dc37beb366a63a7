namespace Workflows;

/// <summary>
/// Limits on what one run may spend. Before each model call the engine checks the spend so far plus an estimate of
/// the call (its input at about four characters a token, plus its maximum output tokens); when that would pass a
/// limit, or the spend already has, the run stops as <see cref="WorkflowStatus.Failed"/> with
/// <see cref="ErrorKind.BudgetExceeded"/>, naming the budget, and keeps every completed step.
/// </summary>
/// <remarks>
/// A budget can be set in configuration (<c>GenAiWorkflows:Budget</c>), per workflow
/// (<see cref="WorkflowBuilder.WithBudget(RunBudget)"/>) and per run (<see cref="WorkflowRunOptions.Budget"/>); the most
/// specific one applies. A cost limit cannot be enforced for a model without a price, so such a call is refused.
/// </remarks>
public sealed record RunBudget
{
    /// <summary>Gets or sets the most tokens (input plus output) a run may use; <see langword="null"/> for no limit.</summary>
    public long? MaxTokens { get; set; }

    /// <summary>Gets or sets the most a run may cost, in US dollars; <see langword="null"/> for no limit.</summary>
    public decimal? MaxCostUsd { get; set; }

    /// <summary>Gets whether any limit is set.</summary>
    public bool HasLimits => MaxTokens is not null || MaxCostUsd is not null;
}
