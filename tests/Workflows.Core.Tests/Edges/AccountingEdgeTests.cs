using Microsoft.Extensions.AI;

namespace Workflows.Tests.Edges;

/// <summary>Cost and token accounting at its edges: arguments, partial usage, incomplete estimates, a budget spent exactly.</summary>
public sealed class AccountingEdgeTests
{
    [Fact]
    public void CostEstimateAdd_NullSide_ThrowsNamingIt()
    {
        Assert.Equal("left", Assert.Throws<ArgumentNullException>(() => CostEstimate.Add(null!, CostEstimate.Zero)).ParamName);
        Assert.Equal("right", Assert.Throws<ArgumentNullException>(() => CostEstimate.Add(CostEstimate.Zero, null!)).ParamName);
    }

    [Fact]
    public void CostEstimateToString_OnlyCallsWithoutUsage_NamesThemAlone()
    {
        var estimate = new CostEstimate { AmountUsd = 0.5m } + CostEstimate.WithoutUsage() + CostEstimate.WithoutUsage();

        Assert.Equal("$0.5 + unknown (2 call(s) without usage)", estimate.ToString());
    }

    [Fact]
    public void CostEstimateToString_UnpricedModelsAndCallsWithoutUsage_SeparatesThem()
    {
        var estimate = new CostEstimate { AmountUsd = 0.25m } + CostEstimate.Unpriced("house-a") + CostEstimate.WithoutUsage();

        Assert.Equal("$0.25 + unknown (house-a; 1 call(s) without usage)", estimate.ToString());
    }

    [Fact]
    public void ModelPriceCostOf_NullUsage_Throws()
    {
        var price = new ModelPrice { InputPerMillionTokens = 1m, OutputPerMillionTokens = 2m };

        Assert.Equal("usage", Assert.Throws<ArgumentNullException>(() => price.CostOf(null!)).ParamName);
    }

    [Fact]
    public void TokenUsageTrackerRecord_NullArgument_ThrowsNamingIt()
    {
        var tracker = new TokenUsageTracker();
        var usage = TokenUsage.From(1, 1);

        Assert.Equal("stepName", Assert.Throws<ArgumentNullException>(() => tracker.Record(null!, "m", usage, CostEstimate.Zero)).ParamName);
        Assert.Equal("model", Assert.Throws<ArgumentNullException>(() => tracker.Record("s", null!, usage, CostEstimate.Zero)).ParamName);
        Assert.Equal("usage", Assert.Throws<ArgumentNullException>(() => tracker.Record("s", "m", null!, CostEstimate.Zero)).ParamName);
        Assert.Equal("cost", Assert.Throws<ArgumentNullException>(() => tracker.Record("s", "m", usage, null!)).ParamName);
        Assert.Equal("stepPath", Assert.Throws<ArgumentNullException>(
            () => tracker.Record("s", null!, "m", usage, CostEstimate.Zero, reservedTokens: 0)).ParamName);
        Assert.Equal(0, tracker.BudgetTokens);
    }

    [Theory]
    [InlineData(30L, 12L, null, 7L, 42L)]     // no total: input plus output
    [InlineData(30L, null, null, 7L, 30L)]    // input only
    [InlineData(null, 12L, null, 7L, 12L)]    // output only
    [InlineData(null, null, null, 7L, 7L)]    // nothing reported: what was reserved for the call
    [InlineData(30L, 12L, 50L, 7L, 50L)]      // a reported total wins
    public void TokenUsageTracker_BudgetTokens_CountWhatTheProviderReported(long? input, long? output, long? total, long reserved, long expected)
    {
        var tracker = new TokenUsageTracker();

        tracker.Record("s", "s", "m", new TokenUsage { InputTokens = input, OutputTokens = output, TotalTokens = total }, CostEstimate.Zero, reserved);

        Assert.Equal(expected, tracker.BudgetTokens);
    }

    [Fact]
    public void BudgetGuardReserve_TokenBudgetSpentExactly_RefusesEvenACallEstimatedAtZero()
    {
        var tracker = new TokenUsageTracker();
        tracker.Record("first", "m", TokenUsage.From(4, 6), CostEstimate.Zero);
        var guard = new BudgetGuard(new RunBudget { MaxTokens = 10 }, "run", new PriceTable());

        var ex = Assert.Throws<BudgetExceededException>(() => guard.Reserve(tracker, "m", inputEstimate: 0, maxOutputTokens: null));

        Assert.Equal(
            "The run token budget of 10 tokens would be exceeded: 10 spent so far, and the next call to m may use up to 0 " +
            "(0 input estimated + 0 max output). Raise the budget, lower MaxTokens, or shorten the prompts.",
            ex.Message);
    }

    [Fact]
    public void BudgetGuardReserve_CostBudgetSpentExactly_RefusesEvenACallCostingNothing()
    {
        var tracker = new TokenUsageTracker();
        tracker.Record("first", "house", TokenUsage.From(4, 6), new CostEstimate { AmountUsd = 1m });
        var prices = new PriceTable([new("house", new ModelPrice { InputPerMillionTokens = 1m, OutputPerMillionTokens = 1m })], includeDefaults: false);
        var guard = new BudgetGuard(new RunBudget { MaxCostUsd = 1m }, "run", prices);

        var ex = Assert.Throws<BudgetExceededException>(() => guard.Reserve(tracker, "house", inputEstimate: 0, maxOutputTokens: null));

        Assert.Equal(
            "The run cost budget of $1 would be exceeded: $1 spent so far, and the next call to house may cost up to $0. " +
            "Raise the budget or lower MaxTokens.",
            ex.Message);
    }

    [Fact]
    public void BudgetGuardEstimateInputTokens_ToolCall_CountsNameAndCommaSeparatedArguments()
    {
        var call = new FunctionCallContent("c1", "lookup", new Dictionary<string, object?> { ["a"] = "1", ["b"] = "2" });
        var result = new FunctionResultContent("c1", "sunny and warm");
        ChatMessage[] messages = [new(ChatRole.User, "abcdefgh"), new(ChatRole.Assistant, [call]), new(ChatRole.Tool, [result])];

        // "abcdefgh" 2 + "lookup" 2 + "[a, 1],[b, 2]" (13 characters) 4 + "sunny and warm" 4: a quarter of the characters, rounded up.
        Assert.Equal(12, BudgetGuard.EstimateInputTokens(messages));
    }
}
