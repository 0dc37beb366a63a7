namespace Workflows.Tests.Edges;

/// <summary>The engine's sync entry point with a timeout, step lookup by path or name, a step result's defaults.</summary>
public sealed class ExecutionEdgeTests
{
    [Fact]
    public async Task Execute_SyncWithTimeout_TimesOutAndKeepsTheStepsItReached()
    {
        await using var engine = new WorkflowEngine();
        var workflow = Workflow.Create("sync-timeout")
            .AddTransformStep("quick", _ => "done")
            .AddTransformStep("slow", async (_, ct) =>
            {
                await Task.Delay(TimeSpan.FromSeconds(30), ct);
                return "late";
            })
            .Build();

        var result = engine.Execute(workflow, timeout: TimeSpan.FromMilliseconds(100));

        Assert.Equal(WorkflowStatus.TimedOut, result.Status);
        Assert.Equal("done", result.GetStep("quick")?.Output);
        Assert.Equal(StepStatus.TimedOut, result.GetStep("slow")?.Status);
    }

    [Fact]
    public async Task GetStep_InsideAMap_FindsAnItemByPathAndTheLastItemByName()
    {
        await using var engine = new WorkflowEngine();
        var workflow = Workflow.Create("lookup")
            .AddMap("summaries", "chunks", m => m.AddTransformStep("summary", ctx => $"{ctx.Get<int>("index")}:{ctx.Get<string>("item")}"))
            .Build();

        var result = await engine.ExecuteAsync(workflow, new Dictionary<string, object?> { ["chunks"] = new[] { "a", "b", "c" } });

        Assert.Equal("0:a", result.GetStep("summaries[0]")?.Output);
        Assert.Equal("2:c", result.GetStep("summary")?.Output);
        Assert.Equal("summaries[2]", result.GetStep("summary")?.Path);
        Assert.Null(result.GetStep("missing"));
    }

    [Fact]
    public void StepResult_ByDefault_IsCritical()
    {
        var result = new StepResult { StepName = "s", StepType = "transform", Status = StepStatus.Completed };

        Assert.True(result.IsCritical);
    }

    [Fact]
    public async Task ExecuteAsync_CallerCancelsDuringAStep_StepErrorNamesTheStep()
    {
        using var cancel = new CancellationTokenSource();
        await using var engine = new WorkflowEngine();
        var workflow = Workflow.Create("caller-cancel")
            .AddTransformStep("slow", async (_, ct) =>
            {
                await cancel.CancelAsync();
                await Task.Delay(TimeSpan.FromSeconds(30), ct);
                return "late";
            })
            .Build();

        var result = await engine.ExecuteAsync(workflow, cancellationToken: cancel.Token);

        Assert.Equal(WorkflowStatus.Cancelled, result.Status);
        Assert.Equal("The run was cancelled by the caller during step 'slow'.", result.GetStep("slow")?.Error?.Message);
    }

    [Fact]
    public async Task ExecuteAsync_ParallelBranchFails_SiblingStepErrorSaysWhyItWasCancelled()
    {
        var waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var engine = new WorkflowEngine();
        var workflow = Workflow.Create("sibling-fails")
            .AddParallel("review", p => p
                .AddFailingBranch(waiting)
                .AddWaitingBranch(waiting))
            .Build();

        var result = await engine.ExecuteAsync(workflow);

        Assert.Equal(WorkflowStatus.Failed, result.Status);
        var waits = result.GetStep("review/waits");
        Assert.Equal(StepStatus.Cancelled, waits?.Status);
        Assert.Equal("Step 'review/waits' was cancelled: 'review/fails' failed.", waits?.Error?.Message);
    }
}

/// <summary>Branches of a group where "fails" throws once "waits" runs, so "waits" is stopped rather than never started.</summary>
internal static class FailingSiblings
{
    public static WorkflowBuilder AddFailingBranch(this WorkflowBuilder branches, TaskCompletionSource waiting) =>
        branches.AddTransformStep("fails", async (_, ct) =>
        {
            await waiting.Task.WaitAsync(ct);
            throw new InvalidOperationException("broken branch");
        });

    public static WorkflowBuilder AddWaitingBranch(this WorkflowBuilder branches, TaskCompletionSource waiting) =>
        branches.AddTransformStep("waits", async (_, ct) =>
        {
            waiting.SetResult();
            await Task.Delay(TimeSpan.FromSeconds(30), ct);
            return "late";
        });
}
