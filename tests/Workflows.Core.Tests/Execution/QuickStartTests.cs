namespace Workflows.Tests.Execution;

public sealed class QuickStartTests
{
    [Fact]
    public async Task QuickPath_TwoLlmStepsAndTransform_FlowsDataAndReportsUsage()
    {
        var mock = new MockLlmProvider()
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
}
