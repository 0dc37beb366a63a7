using Workflows.Tests.TestSupport;

namespace Workflows.Tests.Execution;

public sealed partial class WorkflowEngineTests
{
    private static Workflow EchoWorkflow() => Workflow.Create("echo")
        .AddLlmStep("ask", "n={n}")
        .AddTransformStep("yield", static async (ctx, ct) =>
        {
            await Task.Yield();
            return ctx.Variables.Count;
        })
        .AddTransformStep("final", static ctx => $"{ctx.Get<string>("ask")}|{ctx.GetVariable("n")}|vars={ctx.GetVariable("yield")}")
        .Build();

    [Fact]
    public async Task ExecuteAsync_ManyRunsOfOneWorkflowInParallel_ShareNoRunState()
    {
        var mock = new MockChatClient().WithPatternResponse("^n=(\\d+)$", "answer $1");
        await using var engine = new WorkflowEngine(mock);
        var workflow = EchoWorkflow();

        var runs = Enumerable.Range(0, 100)
            .Select(i => Task.Run(() => engine.ExecuteAsync(workflow, Inputs(("n", i)))))
            .ToArray();
        var results = await Task.WhenAll(runs).Within();

        for (var i = 0; i < results.Length; i++)
        {
            var result = results[i];
            Assert.Equal(WorkflowStatus.Completed, result.Status);
            // Each run sees only its input and its own earlier step ("n", "ask").
            Assert.Equal($"answer {i}|{i}|vars=2", result.Output);
            Assert.Equal(1, result.Metrics.LlmCalls);
            Assert.Equal(result.GetStep("ask")!.Usage, result.Metrics.TotalUsage);
        }

        Assert.Equal(100, results.Select(static r => r.WorkflowId).Distinct().Count());
        Assert.Equal(100, mock.CallCount);
    }

    [Fact]
    public void Execute_FromManyDedicatedThreads_EachRunGetsItsOwnResult()
    {
        // Dedicated threads, as UI, console or worker threads would be. (Many concurrent sync callers that are
        // themselves thread-pool threads starve the pool, since every sync run still needs pool threads to progress.)
        var mock = new MockChatClient().WithPatternResponse("^n=(\\d+)$", "answer $1");
        var engine = new WorkflowEngine(mock);
        var workflow = EchoWorkflow();
        var results = new WorkflowResult[32];
        using var start = new ManualResetEventSlim();
        var threads = Enumerable.Range(0, results.Length)
            .Select(i => new Thread(() =>
            {
                start.Wait(Bounded.Timeout);
                results[i] = engine.Execute(workflow, Inputs(("n", i)));
            })
            { IsBackground = true })
            .ToArray();

        foreach (var thread in threads)
        {
            thread.Start();
        }

        start.Set();
        Assert.All(threads, static t => Assert.True(t.Join(Bounded.Timeout), "A sync run did not return in time."));
        for (var i = 0; i < results.Length; i++)
        {
            Assert.Equal($"answer {i}|{i}|vars=2", results[i].Output);
        }

        Assert.Equal(results.Length, results.Select(static r => r.WorkflowId).Distinct().Count());
    }

    [Fact]
    public void SingleThreadContext_NaiveBlockingWait_WouldDeadlock()
    {
        // Control for the next tests: this context really deadlocks code that blocks on a context-captured await.
        static async Task<int> CapturesContext()
        {
            await Task.Delay(1);
            return 1;
        }

        var completed = SingleThreadSynchronizationContext.Run(() => CapturesContext().Wait(TimeSpan.FromMilliseconds(200)));

        Assert.False(completed);
    }

    [Fact]
    public void Execute_UnderSingleThreadSynchronizationContext_DoesNotDeadlock()
    {
        var engine = new WorkflowEngine(new MockChatClient().WithLatency(TimeSpan.FromMilliseconds(1)));
        var workflow = Workflow.Create("wf")
            .AddLlmStep("ask", "hello")
            .AddTransformStep("awaits", static async (ctx, ct) =>
            {
                await Task.Delay(1, ct);
                return ctx.Get<string>("ask") + "!";
            })
            .Build();

        var result = SingleThreadSynchronizationContext.Run(() => engine.Execute(workflow));

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        Assert.Equal("Mock response to: hello!", result.Output);
    }

    [Fact]
    public void Execute_WithTimeoutUnderSingleThreadSynchronizationContext_ReturnsTimedOut()
    {
        var engine = new WorkflowEngine();
        var waiting = new WaitForCancellationStep("wait");
        var workflow = new Workflow("wf", [new TransformStep("first", static _ => 1), waiting]);

        var result = SingleThreadSynchronizationContext.Run(() => engine.Execute(workflow, timeout: TimeSpan.FromMilliseconds(50)));

        Assert.Equal(WorkflowStatus.TimedOut, result.Status);
        Assert.Equal(StepStatus.Completed, result.GetStep("first")!.Status);
        Assert.Equal(StepStatus.TimedOut, result.GetStep("wait")!.Status);
    }

    [Fact]
    public void ExecuteAsync_AwaitedOnSingleThreadSynchronizationContext_Completes()
    {
        var engine = new WorkflowEngine(new MockChatClient());
        var workflow = Workflow.Create("wf").AddLlmStep("ask", "hello").Build();

        var result = SingleThreadSynchronizationContext.RunAsync(async () => await engine.ExecuteAsync(workflow));

        Assert.Equal("Mock response to: hello", result.Output);
    }

    [Fact]
    public void Execute_SyncStepOverride_IsNotNeededForSyncRuns()
    {
        var engine = new WorkflowEngine();
        var workflow = Workflow.Create("wf").AddTransformStep("a", static async (_, ct) => { await Task.Delay(1, ct); return "async"; }).Build();

        Assert.Equal("async", engine.Execute(workflow).Output);
    }
}
