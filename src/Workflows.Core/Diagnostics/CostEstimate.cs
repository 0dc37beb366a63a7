namespace Workflows;

/// <summary>
/// The cost of a call, a step or a run in US dollars, with the models that had no price. A cost is never a silent
/// zero: when <see cref="IsComplete"/> is <see langword="false"/>, <see cref="AmountUsd"/> covers only the priced calls.
/// </summary>
public sealed record CostEstimate
{
    /// <summary>Gets a complete zero cost (nothing was spent).</summary>
    public static CostEstimate Zero { get; } = new();

    /// <summary>Gets the cost of the calls whose model had a price, in US dollars.</summary>
    public decimal AmountUsd { get; init; }

    /// <summary>Gets the models that were called but have no price in the price table.</summary>
    public IReadOnlyList<string> UnpricedModels { get; init; } = [];

    /// <summary>Gets the number of calls whose provider reported no token usage, so their cost is unknown.</summary>
    public int CallsWithoutUsage { get; init; }

    /// <summary>Gets whether every call was priced and metered, so <see cref="AmountUsd"/> is the whole cost.</summary>
    public bool IsComplete => UnpricedModels.Count == 0 && CallsWithoutUsage == 0;

    /// <summary>Creates the estimate of a call to a model without a price.</summary>
    /// <param name="model">The model.</param>
    /// <returns>An incomplete estimate naming the model.</returns>
    public static CostEstimate Unpriced(string model) => new() { UnpricedModels = [model] };

    /// <summary>Creates the estimate of a call whose provider reported no token usage.</summary>
    /// <returns>An incomplete estimate counting one call without usage.</returns>
    public static CostEstimate WithoutUsage() => new() { CallsWithoutUsage = 1 };

    /// <summary>Adds two estimates.</summary>
    /// <param name="left">The first estimate.</param>
    /// <param name="right">The second estimate.</param>
    /// <returns>The sum; unpriced models are merged without repeats.</returns>
    public static CostEstimate operator +(CostEstimate left, CostEstimate right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        if (right.IsComplete && right.AmountUsd == 0)
        {
            return left;
        }

        if (left.IsComplete && left.AmountUsd == 0)
        {
            return right;
        }

        return new()
        {
            AmountUsd = left.AmountUsd + right.AmountUsd,
            CallsWithoutUsage = left.CallsWithoutUsage + right.CallsWithoutUsage,
            UnpricedModels = [.. left.UnpricedModels.Union(right.UnpricedModels, StringComparer.OrdinalIgnoreCase)],
        };
    }

    /// <summary>Adds two estimates (the named alternative to the + operator).</summary>
    /// <param name="left">The first estimate.</param>
    /// <param name="right">The second estimate.</param>
    /// <returns>The sum.</returns>
    public static CostEstimate Add(CostEstimate left, CostEstimate right) => left + right;

    /// <inheritdoc />
    public override string ToString()
    {
        if (IsComplete)
        {
            return FormattableString.Invariant($"${AmountUsd:0.######}");
        }

        var unknown = new List<string>(2);
        if (UnpricedModels.Count > 0)
        {
            unknown.Add(string.Join(", ", UnpricedModels));
        }

        if (CallsWithoutUsage > 0)
        {
            unknown.Add(FormattableString.Invariant($"{CallsWithoutUsage} call(s) without usage"));
        }

        return FormattableString.Invariant($"${AmountUsd:0.######} + unknown ({string.Join("; ", unknown)})");
    }
}
