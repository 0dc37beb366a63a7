namespace Workflows;

/// <summary>A run's token or cost budget would be (or already was) exceeded, so the run stopped before the next model call.</summary>
public sealed class BudgetExceededException : FrameworkException
{
    /// <summary>Initializes a new instance of the <see cref="BudgetExceededException"/> class.</summary>
    /// <param name="budgetName">Which budget: <c>tokens</c> or <c>cost</c>.</param>
    /// <param name="source">Where the budget was set: <c>run</c>, <c>workflow</c> or <c>configuration</c>.</param>
    /// <param name="limit">The limit (tokens, or US dollars).</param>
    /// <param name="spent">What the run had spent before the call.</param>
    /// <param name="estimatedCall">What the refused call was estimated to add.</param>
    /// <param name="message">The full explanation.</param>
    public BudgetExceededException(string budgetName, string source, decimal limit, decimal spent, decimal estimatedCall, string message)
        : base(message)
    {
        BudgetName = budgetName;
        BudgetSource = source;
        Limit = limit;
        Spent = spent;
        EstimatedCall = estimatedCall;
    }

    /// <summary>Gets which budget was exceeded: <c>tokens</c> or <c>cost</c>.</summary>
    public string BudgetName { get; }

    /// <summary>Gets where the budget was set: <c>run</c>, <c>workflow</c> or <c>configuration</c>.</summary>
    public string BudgetSource { get; }

    /// <summary>Gets the limit (tokens, or US dollars).</summary>
    public decimal Limit { get; }

    /// <summary>Gets what the run had spent before the refused call.</summary>
    public decimal Spent { get; }

    /// <summary>Gets what the refused call was estimated to add.</summary>
    public decimal EstimatedCall { get; }
}
