using Microsoft.Extensions.AI;
using Workflows.Tests.TestSupport;
using static Workflows.Tests.Composition.Runs;

namespace Workflows.Tests.Composition;

public sealed class RouteStepTests
{
    private static Workflow BySelector(bool withOtherwise = true) => Workflow.Create("triage-flow")
        .AddRoute("triage", static ctx => ctx.Get<string>("category"), r =>
        {
            r.When("refund", b => b
                .AddTransformStep("refundLookup", static _ => "order 42")
                .AddTransformStep("refundReply", ctx => $"refunding {ctx.Get<string>("refundLookup")}"))
             .When("question", b => b.AddTransformStep("answer", static _ => "here is the answer"));
            if (withOtherwise)
            {
                r.Otherwise(b => b.AddTransformStep("escalate", static _ => "escalated"));
            }
        })
        .AddTransformStep("reply", ctx => $"Reply: {ctx.Get<string>("triage")}")
        .Build();

    [Fact]
    public async Task Route_Selector_RunsOnlyTheChosenBranchWithRoutePaths()
    {
        await using var engine = new WorkflowEngine();

        var result = await engine.ExecuteAsync(BySelector(), Inputs(("category", "refund"))).Within();

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        Assert.Equal(["triage", "triage/refundLookup", "triage/refundReply", "reply"], Paths(result));
        Assert.Equal("route", result.Steps[0].StepType);
        Assert.Equal("refunding order 42", At(result, "triage").Output);
        Assert.Equal("Reply: refunding order 42", result.Output);
    }

    [Theory]
    [InlineData("QUESTION", "triage/answer", "here is the answer")]
    [InlineData("shipping", "triage/escalate", "escalated")]
    [InlineData(null, "triage/escalate", "escalated")]
    public async Task Route_Selector_MatchesCaseInsensitivelyElseTakesOtherwise(string? category, string path, string output)
    {
        await using var engine = new WorkflowEngine();

        var result = await engine.ExecuteAsync(BySelector(), Inputs(("category", category))).Within();

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        Assert.Equal(["triage", path, "reply"], Paths(result));
        Assert.Equal(output, At(result, "triage").Output);
    }

    [Fact]
    public async Task Route_UnmatchedLabelWithoutOtherwise_FailsNamingLabelAndRoutes()
    {
        await using var engine = new WorkflowEngine();

        var result = await engine.ExecuteAsync(BySelector(withOtherwise: false), Inputs(("category", "shipping"))).Within();

        Assert.Equal(WorkflowStatus.Failed, result.Status);
        Assert.Equal("triage", result.Error!.StepPath);
        Assert.Contains("'shipping'", result.Error.Message, StringComparison.Ordinal);
        Assert.Contains("refund, question", result.Error.Message, StringComparison.Ordinal);
        Assert.Equal(["triage"], Paths(result));
    }

    private static Workflow ByClassification(bool withOtherwise) => Workflow.Create("classify-flow")
        .AddRoute("triage", "Customer message: {message}", r =>
        {
            r.When("refund", b => b.AddLlmStep("refundReply", "Apologize for {message}"))
             .When("question", b => b.AddLlmStep("answer", "Answer {message}"));
            if (withOtherwise)
            {
                r.Otherwise(b => b.AddTransformStep("escalate", static _ => "escalated"));
            }
        }, model: "gpt-4o-mini")
        .Build();

    [Fact]
    public async Task Route_Classification_SystemPromptListsLabelsAndReplyWithPeriodMatches()
    {
        var mock = new MockChatClient()
            .WithResponse("Customer message: I want my money back", "Refund.")
            .WithResponse("Apologize for I want my money back", "Sorry, refunding.");
        await using var engine = new WorkflowEngine(mock);

        var result = await engine.ExecuteAsync(ByClassification(withOtherwise: false), Inputs(("message", "I want my money back"))).Within();

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        Assert.Equal(["triage", "triage/refundReply"], Paths(result));
        Assert.Equal("Sorry, refunding.", result.Output);
        var classify = mock.Calls[0];
        var system = Assert.Single(classify.Messages, static m => m.Role == ChatRole.System).Text;
        Assert.Contains("refund, question", system, StringComparison.Ordinal);
        Assert.Equal("Customer message: I want my money back", classify.Prompt);
        Assert.Equal((float?)0, classify.Options!.Temperature);
        var route = At(result, "triage");
        Assert.Equal(1, route.LlmCalls);
        Assert.True(route.Usage.TotalTokens > 0);
        Assert.Equal(2, result.Metrics.LlmCalls);
    }

    [Fact]
    public async Task Route_ClassificationReplyNamingOneLabelInASentence_Matches()
    {
        var mock = new MockChatClient()
            .WithResponse("Customer message: how do I log in?", "This is a question about accounts.")
            .WithFallback("ok");
        await using var engine = new WorkflowEngine(mock);

        var result = await engine.ExecuteAsync(ByClassification(withOtherwise: false), Inputs(("message", "how do I log in?"))).Within();

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        Assert.Equal(["triage", "triage/answer"], Paths(result));
    }

    [Fact]
    public async Task Route_ClassificationUnmatchedWithoutOtherwise_FailsNamingReplyAndLabels()
    {
        var mock = new MockChatClient().WithFallback("Shipping");
        await using var engine = new WorkflowEngine(mock);

        var result = await engine.ExecuteAsync(ByClassification(withOtherwise: false), Inputs(("message", "where is my parcel"))).Within();

        Assert.Equal(WorkflowStatus.Failed, result.Status);
        Assert.Equal("triage", result.Error!.StepPath);
        Assert.Contains("the reply 'Shipping'", result.Error.Message, StringComparison.Ordinal);
        Assert.Contains("refund, question", result.Error.Message, StringComparison.Ordinal);
        Assert.Single(mock.Calls);
    }

    [Fact]
    public async Task Route_ClassificationUnmatchedWithOtherwise_TakesOtherwise()
    {
        var mock = new MockChatClient().WithFallback("Shipping");
        await using var engine = new WorkflowEngine(mock);

        var result = await engine.ExecuteAsync(ByClassification(withOtherwise: true), Inputs(("message", "where is my parcel"))).Within();

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        Assert.Equal(["triage", "triage/escalate"], Paths(result));
        Assert.Equal("escalated", result.Output);
    }

    [Fact]
    public async Task Route_CriticalStepInBranchFails_RunFailsWithBranchStepPath()
    {
        await using var engine = new WorkflowEngine();
        var workflow = Workflow.Create("route-fail")
            .AddRoute("triage", static _ => "a", r => r.When("a", b => b.AddTransformStep("boom", static _ => throw new InvalidOperationException("boom"))))
            .Build();

        var result = await engine.ExecuteAsync(workflow).Within();

        Assert.Equal(WorkflowStatus.Failed, result.Status);
        Assert.Equal("triage/boom", result.Error!.StepPath);
        Assert.Equal(StepStatus.Failed, At(result, "triage").Status);
    }

    [Fact]
    public void Route_BadDefinitions_RejectedAtBuild()
    {
        Assert.Throws<WorkflowException>(() => Workflow.Create("no-routes").AddRoute("triage", static _ => "x", static _ => { }));
        Assert.Throws<WorkflowException>(() => Workflow.Create("dup-label").AddRoute("triage", static _ => "x", static r => r
            .When("a", static b => b.AddTransformStep("s1", static _ => 1))
            .When("A", static b => b.AddTransformStep("s2", static _ => 1))));
        Assert.Throws<WorkflowException>(() => Workflow.Create("two-otherwise").AddRoute("triage", static _ => "x", static r => r
            .When("a", static b => b.AddTransformStep("s1", static _ => 1))
            .Otherwise(static b => b.AddTransformStep("s2", static _ => 1))
            .Otherwise(static b => b.AddTransformStep("s3", static _ => 1))));
    }
}
