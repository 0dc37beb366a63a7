namespace Workflows;

/// <summary>What a model costs, in US dollars per million tokens.</summary>
public sealed record ModelPrice
{
    /// <summary>Gets or sets the price of a million input tokens.</summary>
    public decimal InputPerMillionTokens { get; set; }

    /// <summary>Gets or sets the price of a million cached input tokens; the input price when <see langword="null"/>.</summary>
    public decimal? CachedInputPerMillionTokens { get; set; }

    /// <summary>Gets or sets the price of a million output tokens (reasoning tokens included).</summary>
    public decimal OutputPerMillionTokens { get; set; }

    /// <summary>Computes the cost of a usage at this price.</summary>
    /// <param name="usage">The usage; counts that were not reported cost nothing here (see <see cref="CostEstimate.CallsWithoutUsage"/>).</param>
    /// <returns>The cost in US dollars.</returns>
    public decimal CostOf(TokenUsage usage)
    {
        ArgumentNullException.ThrowIfNull(usage);
        var input = usage.InputTokens ?? 0;
        var cached = Math.Clamp(usage.CachedInputTokens ?? 0, 0, input);
        var uncached = input - cached;
        var perToken = 1_000_000m;
        return (uncached * InputPerMillionTokens / perToken)
             + (cached * (CachedInputPerMillionTokens ?? InputPerMillionTokens) / perToken)
             + ((usage.OutputTokens ?? 0) * OutputPerMillionTokens / perToken);
    }
}
