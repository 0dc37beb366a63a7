namespace Workflows;

/// <summary>
/// The token usage and cost of one run, per step, per model and in total, updated as each model call returns.
/// Thread-safe; a step reads the spend so far through <see cref="StepContext.Usage"/>.
/// </summary>
public sealed class TokenUsageTracker
{
    private readonly Lock _gate = new();
    private readonly List<Entry> _entries = [];
    private readonly Dictionary<string, (TokenUsage Usage, CostEstimate Cost)> _byPath = new(StringComparer.Ordinal);
    private TokenUsage _total = TokenUsage.Empty;
    private CostEstimate _totalCost = CostEstimate.Zero;
    private long _budgetTokens;

    /// <summary>Gets the tokens of all calls recorded so far.</summary>
    public TokenUsage Total
    {
        get
        {
            lock (_gate)
            {
                return _total;
            }
        }
    }

    /// <summary>Gets the cost of all calls recorded so far.</summary>
    public CostEstimate TotalCost
    {
        get
        {
            lock (_gate)
            {
                return _totalCost;
            }
        }
    }

    /// <summary>
    /// Gets the tokens a token budget counts as spent: each call's reported total, else its input plus output, else (for a
    /// provider that reported no usage) the tokens reserved for it before the call.
    /// </summary>
    internal long BudgetTokens
    {
        get
        {
            lock (_gate)
            {
                return _budgetTokens;
            }
        }
    }

    /// <summary>Gets the number of calls recorded so far.</summary>
    public int CallCount
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Gets the names of the steps that made calls, in order of their first call.</summary>
    public IReadOnlyList<string> StepNames
    {
        get
        {
            lock (_gate)
            {
                return [.. _entries.Select(static e => e.StepName).Distinct(StringComparer.Ordinal)];
            }
        }
    }

    /// <summary>Records one model call.</summary>
    /// <param name="stepName">The step that made the call.</param>
    /// <param name="model">The model that answered.</param>
    /// <param name="usage">The call's tokens.</param>
    /// <param name="cost">The call's cost.</param>
    public void Record(string stepName, string model, TokenUsage usage, CostEstimate cost) =>
        Record(stepName, stepName, model, usage, cost, reservedTokens: 0);

    /// <summary>
    /// Records one model call of the step at <paramref name="stepPath"/> (<c>summaries[3]</c>), with the tokens reserved
    /// for it (counted by budgets when the provider reported none).
    /// </summary>
    internal void Record(string stepName, string stepPath, string model, TokenUsage usage, CostEstimate cost, long reservedTokens)
    {
        ArgumentNullException.ThrowIfNull(stepName);
        ArgumentNullException.ThrowIfNull(stepPath);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(usage);
        ArgumentNullException.ThrowIfNull(cost);
        lock (_gate)
        {
            _entries.Add(new Entry(stepName, model, usage, cost));
            _byPath[stepPath] = _byPath.TryGetValue(stepPath, out var sum) ? (sum.Usage + usage, sum.Cost + cost) : (usage, cost);
            _total += usage;
            _totalCost += cost;
            _budgetTokens += usage.TotalTokens ?? (usage.InputTokens is null && usage.OutputTokens is null
                ? reservedTokens
                : (usage.InputTokens ?? 0) + (usage.OutputTokens ?? 0));
        }
    }

    /// <summary>Gets the tokens of one step's calls (of every item, for a step inside a map).</summary>
    /// <param name="stepName">The step.</param>
    /// <returns>The sum; empty when the step made no call.</returns>
    public TokenUsage ForStep(string stepName) => Sum(e => string.Equals(e.StepName, stepName, StringComparison.Ordinal)).Usage;

    /// <summary>Gets the cost of one step's calls.</summary>
    /// <param name="stepName">The step.</param>
    /// <returns>The sum; zero when the step made no call.</returns>
    public CostEstimate CostForStep(string stepName) => Sum(e => string.Equals(e.StepName, stepName, StringComparison.Ordinal)).Cost;

    /// <summary>Gets the tokens of all calls answered by one model.</summary>
    /// <param name="model">The model, as the provider reported it.</param>
    /// <returns>The sum; empty when no call used it.</returns>
    public TokenUsage ForModel(string model) => Sum(e => string.Equals(e.Model, model, StringComparison.OrdinalIgnoreCase)).Usage;

    /// <summary>Gets the tokens and cost of the calls of the step at one path in one pass (for the step's result).</summary>
    internal (TokenUsage Usage, CostEstimate Cost) TotalsForPath(string stepPath)
    {
        // Kept per path as calls are recorded: a map of many items would otherwise rescan every call for each item.
        lock (_gate)
        {
            return _byPath.TryGetValue(stepPath, out var sum) ? sum : (TokenUsage.Empty, CostEstimate.Zero);
        }
    }

    private (TokenUsage Usage, CostEstimate Cost) Sum(Func<Entry, bool> predicate)
    {
        var usage = TokenUsage.Empty;
        var cost = CostEstimate.Zero;
        lock (_gate)
        {
            foreach (var entry in _entries)
            {
                if (predicate(entry))
                {
                    usage += entry.Usage;
                    cost += entry.Cost;
                }
            }
        }

        return (usage, cost);
    }

    private readonly record struct Entry(string StepName, string Model, TokenUsage Usage, CostEstimate Cost);
}
