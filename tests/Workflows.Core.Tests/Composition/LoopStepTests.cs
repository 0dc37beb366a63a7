using Workflows.Tests.TestSupport;
using static Workflows.Tests.Composition.Runs;

namespace Workflows.Tests.Composition;

public sealed class LoopStepTests
{
    [Fact]
    public async Task Loop_UntilApproved_IterationPathsFromOneAndOutputOfLastIteration()
    {
        var mock = new MockChatClient()
            .WithResponse("Draft v1 about tea. Notes: ", "tea v1")
            .WithResponse("Critique tea v1", "needs work")
            .WithResponse("Draft v2 about tea. Notes: needs work", "tea v2")
            .WithResponse("Critique tea v2", "approved");
        await using var engine = new WorkflowEngine(mock);
        var workflow = Workflow.Create("refine-flow")
            .AddLoop("refine", b => b
                    .AddLlmStep("draft", "Draft v{iteration} about {topic}. Notes: {critique}")
                    .AddLlmStep("critique", "Critique {draft}"),
                until: static ctx => ctx.Get<string>("critique") == "approved",
                maxIterations: 5)
            .AddTransformStep("final", ctx => $"{ctx.Get<string>("draft")} ({ctx.Get<string>("refine")})")
            .Build();

        var result = await engine.ExecuteAsync(workflow, Inputs(("topic", "tea"))).Within();

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        Assert.Equal(
            ["refine", "refine[1]/draft", "refine[1]/critique", "refine[2]/draft", "refine[2]/critique", "final"],
            Paths(result));
        Assert.Equal("loop", result.Steps[0].StepType);
        Assert.Equal("approved", At(result, "refine").Output);
        Assert.Equal("tea v2 (approved)", result.Output);
        Assert.Equal(
            ["Draft v1 about tea. Notes: ", "Critique tea v1", "Draft v2 about tea. Notes: needs work", "Critique tea v2"],
            mock.Calls.Select(static c => c.Prompt));
    }

    [Fact]
    public async Task Loop_ConditionNeverHolds_StopsAtMaxIterationsAndCompletes()
    {
        await using var engine = new WorkflowEngine();
        var runs = 0;
        var workflow = Workflow.Create("bounded")
            .AddLoop("loop", b => b.AddTransformStep("step", ctx =>
            {
                runs++;
                return ctx.Get<int>("iteration") * 10;
            }), until: static _ => false, maxIterations: 3)
            .Build();

        var result = await engine.ExecuteAsync(workflow).Within();

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        Assert.Equal(3, runs);
        Assert.Equal(["loop", "loop[1]/step", "loop[2]/step", "loop[3]/step"], Paths(result));
        Assert.Equal(30, result.Output);
    }

    [Fact]
    public async Task Loop_ConditionHoldsAfterFirstIteration_RunsOnce()
    {
        await using var engine = new WorkflowEngine();
        var workflow = Workflow.Create("once")
            .AddLoop("loop", static b => b.AddTransformStep("step", static _ => "done"), until: static _ => true, maxIterations: 10)
            .Build();

        var result = await engine.ExecuteAsync(workflow).Within();

        Assert.Equal(["loop", "loop[1]/step"], Paths(result));
        Assert.Equal("done", result.Output);
    }

    [Fact]
    public async Task Loop_StepReadsLaterBodyStep_NullOnFirstIterationThenPrevious()
    {
        await using var engine = new WorkflowEngine();
        var seen = new List<object?>();
        var workflow = Workflow.Create("later-read")
            .AddLoop("loop", b => b
                    .AddTransformStep("first", ctx =>
                    {
                        seen.Add(ctx.GetVariable("second"));
                        return ctx.Get<int>("iteration");
                    })
                    .AddTransformStep("second", static ctx => $"second of {ctx.Get<int>("first")}"),
                until: static _ => false,
                maxIterations: 3)
            .Build();

        var result = await engine.ExecuteAsync(workflow).Within();

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        Assert.Equal([null, "second of 1", "second of 2"], seen);
        Assert.Equal("second of 3", result.Output);
    }

    [Fact]
    public async Task Loop_StepFailsInSecondIteration_RunFailsWithIterationPath()
    {
        await using var engine = new WorkflowEngine();
        var workflow = Workflow.Create("loop-fail")
            .AddLoop("refine", static b => b.AddTransformStep("draft", static ctx => ctx.Get<int>("iteration") == 2 ? throw new InvalidOperationException("draft 2 broke") : "ok"),
                until: static _ => false, maxIterations: 5)
            .AddTransformStep("after", static _ => "never")
            .Build();

        var result = await engine.ExecuteAsync(workflow).Within();

        Assert.Equal(WorkflowStatus.Failed, result.Status);
        Assert.Equal("refine[2]/draft", result.Error!.StepPath);
        Assert.Equal(["refine", "refine[1]/draft", "refine[2]/draft"], Paths(result));
        Assert.Equal(StepStatus.Failed, At(result, "refine").Status);
    }

    [Fact]
    public async Task Loop_CustomIterationVariable_IsVisibleInsideBody()
    {
        await using var engine = new WorkflowEngine();
        var workflow = new Workflow("custom-iteration",
        [
            new LoopStep("loop", [new TransformStep("step", static ctx => ctx.Get<int>("round"))], static _ => false, 2) { IterationVariable = "round" },
        ]);

        var result = await engine.ExecuteAsync(workflow).Within();

        Assert.Equal(2, result.Output);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Loop_MaxIterationsBelowOne_Throws(int maxIterations)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            Workflow.Create("unbounded").AddLoop("loop", static b => b.AddTransformStep("s", static _ => 1), static _ => true, maxIterations));
        Assert.Equal("maxIterations", error.ParamName);
    }
}
