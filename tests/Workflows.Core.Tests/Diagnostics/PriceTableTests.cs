using System.Globalization;

namespace Workflows.Tests.Diagnostics;

public sealed class PriceTableTests
{
    [Fact]
    public void Estimate_KnownModel_MatchesHandComputedCost()
    {
        var table = new PriceTable();

        // gpt-4o-mini: 1,000 x $0.15/M + 500 x $0.60/M = 0.00015 + 0.0003.
        var cost = table.Estimate("gpt-4o-mini", TokenUsage.From(1_000, 500));

        Assert.True(cost.IsComplete);
        Assert.Equal(0.00045m, cost.AmountUsd);
    }

    [Fact]
    public void Estimate_CachedInput_ChargesCachedTokensAtCachedPrice()
    {
        var table = new PriceTable();
        var usage = new TokenUsage { InputTokens = 10_000, CachedInputTokens = 4_000, OutputTokens = 2_000, TotalTokens = 12_000 };

        // gpt-4o: 6,000 x $2.50/M + 4,000 x $1.25/M + 2,000 x $10.00/M = 0.015 + 0.005 + 0.02.
        var cost = table.Estimate("gpt-4o", usage);

        Assert.Equal(0.040m, cost.AmountUsd);
    }

    [Fact]
    public void Estimate_CachedInputWithoutCachedPrice_ChargesInputPrice()
    {
        var table = new PriceTable();
        var usage = new TokenUsage { InputTokens = 1_000, CachedInputTokens = 400, OutputTokens = 1_000, TotalTokens = 2_000 };

        // gpt-3.5-turbo has no cached price: 1,000 x $0.50/M + 1,000 x $1.50/M.
        var cost = table.Estimate("gpt-3.5-turbo", usage);

        Assert.Equal(0.002m, cost.AmountUsd);
    }

    [Theory]
    [InlineData("gpt-4o-mini-2024-07-18", "gpt-4o-mini")]
    [InlineData("gpt-4o-2024-08-06", "gpt-4o")]
    [InlineData("gpt-4.1-nano-2025-04-14", "gpt-4.1-nano")]
    [InlineData("GPT-4O-MINI", "gpt-4o-mini")]
    public void TryGetPrice_DatedOrCasedModel_UsesLongestPricedPrefix(string model, string pricedAs)
    {
        var table = new PriceTable();

        Assert.True(table.TryGetPrice(model, out var price));
        Assert.Equal(PriceTable.Defaults[pricedAs], price);
    }

    [Theory]
    [InlineData("gpt-4ox")]
    [InlineData("my-gpt-4o")]
    [InlineData("llama-3.1-70b")]
    public void TryGetPrice_NoExactOrDashPrefixMatch_ReturnsFalse(string model) =>
        Assert.False(new PriceTable().TryGetPrice(model, out _));

    [Fact]
    public void Estimate_UnknownModel_IsIncompleteAndNamesModel()
    {
        var cost = new PriceTable().Estimate("llama-3.1-70b", TokenUsage.From(100, 100));

        Assert.False(cost.IsComplete);
        Assert.Equal(0m, cost.AmountUsd);
        Assert.Equal(["llama-3.1-70b"], cost.UnpricedModels);
        Assert.Equal("$0 + unknown (llama-3.1-70b)", cost.ToString());
    }

    [Fact]
    public void Constructor_Overrides_ReplaceDefaultsAndAddModels()
    {
        var table = new PriceTable(new Dictionary<string, ModelPrice>
        {
            ["gpt-4o-mini"] = new() { InputPerMillionTokens = 1m, OutputPerMillionTokens = 2m },
            ["house-model"] = new() { InputPerMillionTokens = 3m, CachedInputPerMillionTokens = 1m, OutputPerMillionTokens = 6m },
        });

        // 1M x $1 + 1M x $2; house-model: 0.5M x $3 + 0.5M x $1 + 1M x $6.
        Assert.Equal(3m, table.Estimate("gpt-4o-mini", TokenUsage.From(1_000_000, 1_000_000)).AmountUsd);
        var house = new TokenUsage { InputTokens = 1_000_000, CachedInputTokens = 500_000, OutputTokens = 1_000_000 };
        Assert.Equal(8m, table.Estimate("house-model", house).AmountUsd);
        Assert.Equal(PriceTable.Defaults["gpt-4o"], table.TryGetPrice("gpt-4o", out var kept) ? kept : null);
    }

    [Fact]
    public void Constructor_WithoutDefaults_PricesOnlyOverrides()
    {
        var table = new PriceTable(overrides: null, includeDefaults: false);

        Assert.False(table.Estimate("gpt-4o-mini", TokenUsage.From(1, 1)).IsComplete);
    }

    [Fact]
    public void DefaultsReadOn_IsAnIsoDate() =>
        Assert.True(DateOnly.TryParseExact(PriceTable.DefaultsReadOn, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _));
}
