namespace Workflows;

/// <summary>
/// Prices by model, used to turn token usage into cost. Starts from <see cref="Defaults"/> and takes the configured
/// <c>GenAiWorkflows:Pricing:&lt;model&gt;</c> entries over them.
/// </summary>
/// <remarks>
/// A model is looked up by exact name (case-insensitive), then by the longest priced name it starts with followed by
/// '-', so <c>gpt-4o-mini-2024-07-18</c> is priced as <c>gpt-4o-mini</c>.
/// </remarks>
public sealed class PriceTable
{
    /// <summary>The date the shipped default prices were read from OpenAI's published price list.</summary>
    public const string DefaultsReadOn = "2025-08-20";

    private readonly Dictionary<string, ModelPrice> _prices;

    /// <summary>Initializes a new instance of the <see cref="PriceTable"/> class.</summary>
    /// <param name="overrides">Prices that replace or add to the defaults.</param>
    /// <param name="includeDefaults">Whether to start from <see cref="Defaults"/>.</param>
    public PriceTable(IEnumerable<KeyValuePair<string, ModelPrice>>? overrides = null, bool includeDefaults = true)
    {
        _prices = new Dictionary<string, ModelPrice>(StringComparer.OrdinalIgnoreCase);
        if (includeDefaults)
        {
            foreach (var (model, price) in Defaults)
            {
                _prices[model] = price;
            }
        }

        foreach (var (model, price) in overrides ?? [])
        {
            _prices[model] = price;
        }
    }

    /// <summary>
    /// Gets the shipped standard-tier prices (US dollars per million tokens) of common OpenAI models, read on
    /// <see cref="DefaultsReadOn"/>. Check them against your contract and override them in configuration.
    /// </summary>
    public static IReadOnlyDictionary<string, ModelPrice> Defaults { get; } = new Dictionary<string, ModelPrice>(StringComparer.OrdinalIgnoreCase)
    {
        ["gpt-4o-mini"] = Price(0.15m, 0.075m, 0.60m),
        ["gpt-4o"] = Price(2.50m, 1.25m, 10.00m),
        ["gpt-4.1"] = Price(2.00m, 0.50m, 8.00m),
        ["gpt-4.1-mini"] = Price(0.40m, 0.10m, 1.60m),
        ["gpt-4.1-nano"] = Price(0.10m, 0.025m, 0.40m),
        ["gpt-5"] = Price(1.25m, 0.125m, 10.00m),
        ["gpt-5-mini"] = Price(0.25m, 0.025m, 2.00m),
        ["gpt-5-nano"] = Price(0.05m, 0.005m, 0.40m),
        ["o3"] = Price(2.00m, 0.50m, 8.00m),
        ["o3-mini"] = Price(1.10m, 0.55m, 4.40m),
        ["o4-mini"] = Price(1.10m, 0.275m, 4.40m),
        ["gpt-3.5-turbo"] = Price(0.50m, null, 1.50m),
    };

    /// <summary>Finds the price of a model.</summary>
    /// <param name="model">The model name, as requested or as the provider reported it.</param>
    /// <param name="price">The price, when found.</param>
    /// <returns><see langword="true"/> when the model has a price.</returns>
    public bool TryGetPrice(string model, out ModelPrice price)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (_prices.TryGetValue(model, out price!))
        {
            return true;
        }

        string? best = null;
        foreach (var key in _prices.Keys)
        {
            if (model.Length > key.Length && model[key.Length] == '-' &&
                model.StartsWith(key, StringComparison.OrdinalIgnoreCase) &&
                (best is null || key.Length > best.Length))
            {
                best = key;
            }
        }

        if (best is null)
        {
            return false;
        }

        price = _prices[best];
        return true;
    }

    /// <summary>Estimates the cost of a usage on a model.</summary>
    /// <param name="model">The model.</param>
    /// <param name="usage">The usage.</param>
    /// <returns>
    /// The cost, or an incomplete estimate naming the model when it has no price, or counting the call when its provider
    /// reported no token usage.
    /// </returns>
    public CostEstimate Estimate(string model, TokenUsage usage)
    {
        ArgumentNullException.ThrowIfNull(usage);
        if (!TryGetPrice(model, out var price))
        {
            return CostEstimate.Unpriced(model);
        }

        return usage.InputTokens is null && usage.OutputTokens is null ? CostEstimate.WithoutUsage() : new CostEstimate { AmountUsd = price.CostOf(usage) };
    }

    private static ModelPrice Price(decimal input, decimal? cachedInput, decimal output) =>
        new() { InputPerMillionTokens = input, CachedInputPerMillionTokens = cachedInput, OutputPerMillionTokens = output };
}
