using Workflows.Tests.TestSupport;
using static Workflows.Tests.Composition.Runs;

namespace Workflows.Tests.Composition;

public sealed class SubWorkflowStepTests
{
    private static Workflow Research() => Workflow.Create("research")
        .AddLlmStep("search", "Search {topic}")
        .AddLlmStep("digest", "Digest {search}")
        .Build();

    [Fact]
    public async Task SubWorkflow_StepsRunWithSubPathsAndOutputsStoredByName()
    {
        var mock = new MockChatClient()
            .WithResponse("Search owls", "owl facts")
            .WithResponse("Digest owl facts", "owls digested")
            .WithResponse("Write from owl facts and owls digested", "article");
        await using var engine = new WorkflowEngine(mock);
        var workflow = Workflow.Create("outer")
            .AddWorkflow(Research(), "sub")
            .AddLlmStep("write", "Write from {search} and {sub}")
            .Build();

        var result = await engine.ExecuteAsync(workflow, Inputs(("topic", "owls"))).Within();

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        Assert.Equal(["sub", "sub/search", "sub/digest", "write"], Paths(result));
        Assert.Equal("workflow", result.Steps[0].StepType);
        Assert.Equal("owls digested", At(result, "sub").Output);
        Assert.Equal("article", result.Output);
    }

    [Fact]
    public async Task SubWorkflow_DefaultName_IsTheWorkflowsName()
    {
        await using var engine = new WorkflowEngine();
        var workflow = Workflow.Create("outer").AddWorkflow(Research()).Build();

        var result = await engine.ExecuteAsync(workflow, Inputs(("topic", "owls"))).Within();

        Assert.Equal(["research", "research/search", "research/digest"], Paths(result));
    }

    [Fact]
    public async Task SubWorkflows_AsParallelBranches_RunConcurrentlyWithNestedPaths()
    {
        var first = Workflow.Create("first").AddTransformStep("a1", static _ => "A1").AddTransformStep("a2", static ctx => ctx.Get<string>("a1") + "+A2").Build();
        var second = Workflow.Create("second").AddTransformStep("b1", static _ => "B1").Build();
        await using var engine = new WorkflowEngine();
        var workflow = Workflow.Create("outer")
            .AddParallel("both", p => p.AddWorkflow(first).AddWorkflow(second))
            .Build();

        var result = await engine.ExecuteAsync(workflow).Within();

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        Assert.Equal(["both", "both/first", "both/first/a1", "both/first/a2", "both/second", "both/second/b1"], Paths(result));
        var outputs = Assert.IsAssignableFrom<IReadOnlyDictionary<string, object?>>(result.Output);
        Assert.Equal("A1+A2", outputs["first"]);
        Assert.Equal("B1", outputs["second"]);
    }

    [Fact]
    public async Task SubWorkflow_CriticalStepFails_RunFailsWithSubStepPath()
    {
        var inner = Workflow.Create("inner").AddTransformStep("broken", static _ => throw new InvalidOperationException("inner broke")).Build();
        await using var engine = new WorkflowEngine();
        var workflow = Workflow.Create("outer").AddWorkflow(inner, "sub").AddTransformStep("after", static _ => "never").Build();

        var result = await engine.ExecuteAsync(workflow).Within();

        Assert.Equal(WorkflowStatus.Failed, result.Status);
        Assert.Equal("sub/broken", result.Error!.StepPath);
        Assert.Equal("inner broke", result.Error.Message);
        Assert.Equal(["sub", "sub/broken"], Paths(result));
    }

    [Fact]
    public async Task SubWorkflow_OwnBudget_DoesNotApplyInsideAnotherRun()
    {
        var inner = Workflow.Create("inner").AddLlmStep("ask", "A question that uses more than one token").WithBudget(new RunBudget { MaxTokens = 1 }).Build();
        await using var engine = new WorkflowEngine();
        var workflow = Workflow.Create("outer").AddWorkflow(inner).Build();

        var result = await engine.ExecuteAsync(workflow).Within();

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        Assert.True(result.Metrics.TotalUsage.TotalTokens > 1);
    }

    [Fact]
    public void SubWorkflow_StepNameAlsoInOuterWorkflow_RejectedAtBuild()
    {
        var error = Assert.Throws<WorkflowException>(() => Workflow.Create("outer")
            .AddTransformStep("search", static _ => 1)
            .AddWorkflow(Research(), "sub")
            .Build());

        Assert.Contains("two steps named 'search'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'sub/search'", error.Message, StringComparison.Ordinal);
    }
}
