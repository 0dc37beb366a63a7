namespace Workflows.Tests.Diagnostics;

public sealed class TokenUsageTrackerTests
{
    [Fact]
    public void Queries_SeveralCalls_SumPerStepPerModelAndInTotal()
    {
        var tracker = new TokenUsageTracker();
        var cached = new TokenUsage { InputTokens = 100, OutputTokens = 10, TotalTokens = 110, CachedInputTokens = 60 };

        tracker.Record("draft", "gpt-4o-mini", TokenUsage.From(1_000, 500), new CostEstimate { AmountUsd = 0.00045m });
        tracker.Record("draft", "gpt-4o", cached, new CostEstimate { AmountUsd = 0.000275m });
        tracker.Record("review", "house-model", TokenUsage.From(10, 20), CostEstimate.Unpriced("house-model"));

        Assert.Equal(3, tracker.CallCount);
        Assert.Equal(["draft", "review"], tracker.StepNames);
        Assert.Equal(new TokenUsage { InputTokens = 1_100, OutputTokens = 510, TotalTokens = 1_610, CachedInputTokens = 60 }, tracker.ForStep("draft"));
        Assert.Equal(TokenUsage.From(10, 20), tracker.ForStep("review"));
        Assert.Equal(TokenUsage.Empty, tracker.ForStep("missing"));
        Assert.Equal(0.000725m, tracker.CostForStep("draft").AmountUsd);
        Assert.True(tracker.CostForStep("draft").IsComplete);
        Assert.False(tracker.CostForStep("review").IsComplete);
        Assert.Equal(cached, tracker.ForModel("GPT-4O"));
        Assert.Equal(1_110, tracker.Total.InputTokens);
        Assert.Equal(530, tracker.Total.OutputTokens);
        Assert.Equal(60, tracker.Total.CachedInputTokens);
        Assert.Equal(0.000725m, tracker.TotalCost.AmountUsd);
        Assert.Equal(["house-model"], tracker.TotalCost.UnpricedModels);
    }

    [Fact]
    public async Task ExecuteAsync_TwoLlmSteps_StepContextSeesRunningTotals()
    {
        await using var engine = TestEngines.Create(new ScriptedProvider { Usage = new() { InputTokenCount = 7, OutputTokenCount = 3, TotalTokenCount = 10 } });
        TokenUsage? seen = null;
        var workflow = Workflow.Create(TestEngines.UniqueName("tracker"))
            .AddLlmStep("a", "one")
            .AddLlmStep("b", "two")
            .AddTransformStep("read", ctx => seen = ctx.Usage.ForStep("b") + ctx.Usage.ForStep("a"))
            .Build();

        var result = await engine.ExecuteAsync(workflow);

        Assert.Equal(TokenUsage.From(14, 6), seen);
        Assert.Equal(TokenUsage.From(14, 6), result.Metrics.TotalUsage);
        Assert.Equal(2, result.Metrics.LlmCalls);
    }
}
