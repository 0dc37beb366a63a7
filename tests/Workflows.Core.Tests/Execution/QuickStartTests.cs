namespace Workflows.Tests.Execution;

public sealed class QuickStartTests
{
    [Fact]
    public async Task QuickPath_TwoLlmStepsAndTransform_FlowsDataAndReportsUsage()
    {
        var mock = new MockChatClient()
            .WithPatternResponse("^Write one line about (.+)$", "Otters hold hands while sleeping near $1.")
            .WithPatternResponse("^Summarize: (.+)$", "Summary: $1");
        await using var engine = new WorkflowEngine(mock);
        var workflow = Workflow.Create("blog")
            .AddLlmStep("draft", "Write one line about {topic}")
            .AddLlmStep("summary", "Summarize: {draft}")
            .AddTransformStep("shout", ctx => ctx.Get<string>("summary")!.ToUpperInvariant())
            .Build();

        var result = await engine.ExecuteAsync(workflow, new Dictionary<string, object?> { ["topic"] = "rivers" });

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        Assert.Equal("SUMMARY: OTTERS HOLD HANDS WHILE SLEEPING NEAR RIVERS.", result.Output);
        Assert.Equal(["draft", "summary", "shout"], result.Steps.Select(s => s.StepName));
        Assert.Equal(2, result.Metrics.LlmCalls);
        Assert.Equal(result.Steps[0].Usage + result.Steps[1].Usage, result.Metrics.TotalUsage);
        Assert.True(result.Metrics.TotalUsage.TotalTokens > 0);
        Assert.True(result.Metrics.TotalCost.IsComplete);
        Assert.True(result.Metrics.TotalCost.AmountUsd > 0);
    }

    [Fact]
    public async Task QuickPath_StreamedRun_WritesDeltasThenCompletedStatus()
    {
        var mock = new MockChatClient()
            .WithPatternResponse("^Write one line about (.+)$", "Otters hold hands while they sleep near $1.")
            .WithPatternResponse("^Summarize: (.+)$", "In short: $1");
        await using var engine = new WorkflowEngine(mock);
        var workflow = Workflow.Create("blog")
            .AddLlmStep("draft", "Write one line about {topic}")
            .AddLlmStep("summary", "Summarize: {draft}")
            .AddTransformStep("shout", ctx => ctx.Get<string>("summary")!.ToUpperInvariant())
            .Build();
        var written = new System.Text.StringBuilder();

        await foreach (var e in engine.StreamAsync(workflow, new Dictionary<string, object?> { ["topic"] = "lakes" }))
        {
            if (e is TextDeltaEvent delta)
            {
                written.Append(delta.Text);
            }
            else if (e is RunCompletedEvent done)
            {
                written.Append(System.Globalization.CultureInfo.InvariantCulture, $"\n{done.Result.Status}");
            }
        }

        Assert.Equal(
            "Otters hold hands while they sleep near lakes.In short: Otters hold hands while they sleep near lakes.\nCompleted",
            written.ToString());
    }

    [Fact]
    public async Task QuickPath_TypedStep_OutputIsTheRecord()
    {
        var mock = new MockChatClient().WithFallback("""{"approved": true, "reasons": ["clear"]}""");
        await using var engine = new WorkflowEngine(mock);
        var review = Workflow.Create("review")
            .AddLlmStep<Review>("review", "Review this text and answer as JSON: {text}")
            .AddTransformStep("verdict", ctx => ctx.Get<Review>("review")!.Approved ? "ship it" : "rework")
            .Build();

        var result = await engine.ExecuteAsync(review, new Dictionary<string, object?> { ["text"] = "draft" });

        Assert.Equal("ship it", result.Output);
        Assert.Equal(["clear"], Assert.IsType<Review>(result.Steps[0].Output).Reasons);
    }

    public sealed record Review(bool Approved, string[] Reasons);

    [Fact]
    public async Task Constructor_ProviderAndSharedOptions_CallsThatProviderAndLeavesOptionsUnchanged()
    {
        var options = new GenAiWorkflowOptions { DefaultModel = "gpt-4.1-mini" };
        var mine = new MockChatClient().WithFallback("from mine");
        await using var engine = new WorkflowEngine(mine, options);

        var result = await engine.ExecuteAsync(Workflow.Create("shared").AddLlmStep("a", "hi").Build());

        Assert.Equal("from mine", result.Output);
        Assert.Equal(WorkflowEngine.DefaultProviderName, result.Steps[0].Provider);
        Assert.Equal("gpt-4.1-mini", Assert.Single(mine.Calls).Model);
        Assert.Equal(MockChatClient.DefaultName, options.DefaultProvider);
    }
}
