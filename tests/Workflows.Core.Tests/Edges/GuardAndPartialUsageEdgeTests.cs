namespace Workflows.Tests.Edges;

/// <summary>Survivors of the Stryker run on PriceTable and PromptTemplate: null guards, and a usage with only input tokens.</summary>
public sealed class GuardAndPartialUsageEdgeTests
{
    [Fact]
    public void PriceTable_NullArguments_ThrowArgumentNullException()
    {
        var table = new PriceTable();

        Assert.Equal("model", Assert.Throws<ArgumentNullException>(() => table.TryGetPrice(null!, out _)).ParamName);
        Assert.Equal("usage", Assert.Throws<ArgumentNullException>(() => table.Estimate("gpt-4o-mini", null!)).ParamName);
    }

    [Fact]
    public void PromptTemplate_NullArguments_ThrowArgumentNullException()
    {
        Assert.Equal("text", Assert.Throws<ArgumentNullException>(() => new PromptTemplate(null!)).ParamName);
        Assert.Equal("variables", Assert.Throws<ArgumentNullException>(() => new PromptTemplate("plain").Render(null!)).ParamName);
    }

    [Fact]
    public void Estimate_UsageWithInputTokensOnly_IsPricedNotCountedAsUnreported()
    {
        // A provider that reports input tokens but no output count: the input is still priced (gpt-4o-mini, $0.15/M).
        var cost = new PriceTable().Estimate("gpt-4o-mini", new TokenUsage { InputTokens = 1_000_000 });

        Assert.Equal(0.15m, cost.AmountUsd);
        Assert.Equal(0, cost.CallsWithoutUsage);
        Assert.True(cost.IsComplete);
    }
}
