using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;
using Workflows.Tests.TestSupport;
using static Workflows.Tests.Composition.Runs;

namespace Workflows.Tests.Composition;

public sealed class ParallelStepTests
{
    private static Workflow Review() => Workflow.Create("review-flow")
        .AddParallel("review", p => p
            .AddLlmStep("pros", "Pros of {topic}")
            .AddLlmStep("cons", "Cons of {topic}"))
        .AddLlmStep("verdict", "Weigh {pros} against {cons}")
        .Build();

    [Fact]
    public async Task Parallel_TwoBranches_ResultsPreOrderWithPathsAndDictionaryOutput()
    {
        var mock = new MockChatClient()
            .WithResponse("Pros of tea", "calming")
            .WithResponse("Cons of tea", "caffeine")
            .WithResponse("Weigh calming against caffeine", "drink it");
        await using var engine = new WorkflowEngine(mock);

        var result = await engine.ExecuteAsync(Review(), Inputs(("topic", "tea"))).Within();

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        Assert.Equal(["review", "review/pros", "review/cons", "verdict"], Paths(result));
        Assert.Equal(["review", "pros", "cons", "verdict"], result.Steps.Select(static s => s.StepName));
        Assert.Equal("parallel", result.Steps[0].StepType);
        var outputs = Assert.IsAssignableFrom<IReadOnlyDictionary<string, object?>>(result.Steps[0].Output);
        Assert.Equal(["pros", "cons"], outputs.Keys);
        Assert.Equal("calming", outputs["pros"]);
        Assert.Equal("caffeine", outputs["cons"]);
        Assert.Equal("drink it", result.Output);
        Assert.Equal(["review", "review/pros", "review/cons", "verdict"], result.Metrics.Steps.Select(static s => s.Path));
    }

    [Fact]
    public async Task Parallel_LaterTemplateReadsGroup_FormatsOneNameValueLinePerBranch()
    {
        var mock = new MockChatClient()
            .WithResponse("Pros of tea", "calming")
            .WithResponse("Cons of tea", "caffeine");
        await using var engine = new WorkflowEngine(mock);
        var workflow = Workflow.Create("format-group")
            .AddParallel("review", p => p
                .AddLlmStep("pros", "Pros of {topic}")
                .AddLlmStep("cons", "Cons of {topic}"))
            .AddLlmStep("summary", "Review:\n{review}")
            .Build();

        var result = await engine.ExecuteAsync(workflow, Inputs(("topic", "tea"))).Within();

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        Assert.Equal("Review:\npros: calming\ncons: caffeine", mock.Calls[^1].Prompt);
    }

    [Fact]
    public async Task Parallel_EightBranchesAgainst100msMock_FinishTogetherNotOneAfterAnother()
    {
        var mock = new MockChatClient().WithLatency(TimeSpan.FromMilliseconds(100));
        await using var engine = new WorkflowEngine(mock);
        var workflow = Workflow.Create("eight")
            .AddParallel("fan", p =>
            {
                for (var i = 0; i < 8; i++)
                {
                    p.AddLlmStep($"b{i}", $"Branch {i}");
                }
            })
            .Build();
        await engine.ExecuteAsync(workflow).Within(); // warm up (JIT, thread pool)

        var clock = Stopwatch.StartNew();
        var result = await engine.ExecuteAsync(workflow).Within();
        clock.Stop();

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        Assert.Equal(8, result.Steps.Count(static s => s.StepType == "llm" && s.Status == StepStatus.Completed));
        Assert.True(clock.Elapsed < TimeSpan.FromMilliseconds(600), $"8 branches of 100 ms took {clock.Elapsed.TotalMilliseconds:0} ms; sequential would be 800 ms.");
        Assert.All(result.Steps.Skip(1), s => Assert.True(s.Duration >= TimeSpan.FromMilliseconds(90), $"{s.Path} took {s.Duration.TotalMilliseconds} ms"));
    }

    [Fact]
    public async Task Parallel_GroupLimit_BoundsBranchesInFlight()
    {
        var probe = new ConcurrencyProbe();
        await using var engine = new WorkflowEngine();
        var workflow = Workflow.Create("limited")
            .AddParallel("fan", p =>
            {
                for (var i = 0; i < 6; i++)
                {
                    var output = i;
                    p.AddTransformStep($"b{i}", (_, ct) => probe.RunAsync(output, TimeSpan.FromMilliseconds(40), ct));
                }
            }, maxDegreeOfParallelism: 2)
            .Build();

        var result = await engine.ExecuteAsync(workflow).Within();

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        Assert.Equal(6, probe.Entered);
        Assert.Equal(2, probe.Peak);
    }

    [Fact]
    public async Task Parallel_NoGroupLimit_UsesEngineMaxDegreeOfParallelism()
    {
        var probe = new ConcurrencyProbe();
        await using var engine = new WorkflowEngine(new MockChatClient(), new GenAiWorkflowOptions { MaxDegreeOfParallelism = 3 });
        var workflow = Workflow.Create("engine-limited")
            .AddParallel("fan", p =>
            {
                for (var i = 0; i < 9; i++)
                {
                    p.AddTransformStep($"b{i}", (_, ct) => probe.RunAsync("x", TimeSpan.FromMilliseconds(40), ct));
                }
            })
            .Build();

        var result = await engine.ExecuteAsync(workflow).Within();

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        Assert.Equal(9, probe.Entered);
        Assert.Equal(3, probe.Peak);
    }

    [Fact]
    public async Task Parallel_NoLimitsAnywhere_DefaultsTo16InFlight()
    {
        Assert.Equal(16, new GenAiWorkflowOptions().MaxDegreeOfParallelism);
        var probe = new ConcurrencyProbe();
        await using var engine = new WorkflowEngine();
        var workflow = Workflow.Create("default-limited")
            .AddParallel("fan", p =>
            {
                for (var i = 0; i < 20; i++)
                {
                    p.AddTransformStep($"b{i}", (_, ct) => probe.RunAsync("x", TimeSpan.FromMilliseconds(150), ct));
                }
            })
            .Build();

        var result = await engine.ExecuteAsync(workflow).Within();

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        Assert.Equal(16, probe.Peak);
    }

    [Fact]
    public async Task Parallel_CriticalBranchFails_CancelsSiblingsAndFailsRunWithBranchError()
    {
        await using var engine = new WorkflowEngine();
        var waiting = new WaitForCancellationStep("slow");
        var afterRan = false;
        var workflow = new Workflow("fails",
        [
            new ParallelStep("review",
            [
                waiting,
                new TransformStep("bad", async (_, ct) =>
                {
                    await waiting.Started.WaitAsync(ct);
                    throw new InvalidOperationException("bad branch broke");
                }),
            ]),
            new TransformStep("after", _ => afterRan = true),
        ]);

        var result = await engine.ExecuteAsync(workflow).Within();

        Assert.Equal(WorkflowStatus.Failed, result.Status);
        Assert.False(afterRan);
        Assert.Equal(ErrorKind.StepFailed, result.Error!.Kind);
        Assert.Equal("review/bad", result.Error.StepPath);
        Assert.Equal("bad", result.Error.StepName);
        Assert.Equal("bad branch broke", result.Error.Message);
        Assert.Equal(["review", "review/slow", "review/bad"], Paths(result));
        Assert.Equal(StepStatus.Failed, At(result, "review").Status);
        Assert.Equal("review/bad", At(result, "review").Error!.StepPath);
        var sibling = At(result, "review/slow");
        Assert.Equal(StepStatus.Cancelled, sibling.Status);
        Assert.Equal(ErrorKind.Cancelled, sibling.Error!.Kind);
        Assert.Contains("'review/bad' failed", sibling.Error.Message, StringComparison.Ordinal);
        Assert.Equal("review/slow", sibling.Error.StepPath);
    }

    [Fact]
    public async Task Parallel_NonCriticalBranchFails_RecordedAndJoinGoesOn()
    {
        await using var engine = new WorkflowEngine();
        var workflow = Workflow.Create("soft")
            .AddParallel("review", p => p
                .AddTransformStep("good", (_, ct) => new ConcurrencyProbe().RunAsync("fine", TimeSpan.FromMilliseconds(30), ct))
                .AddTransformStep("flaky", _ => throw new InvalidOperationException("flaky broke"), isCritical: false))
            .AddTransformStep("after", ctx => $"after {ctx.Get<string>("good")}")
            .Build();

        var result = await engine.ExecuteAsync(workflow).Within();

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        Assert.Null(result.Error);
        Assert.Equal("after fine", result.Output);
        Assert.Equal(StepStatus.Completed, At(result, "review/good").Status);
        var flaky = At(result, "review/flaky");
        Assert.Equal(StepStatus.Failed, flaky.Status);
        Assert.False(flaky.IsCritical);
        Assert.Equal("review/flaky", flaky.Error!.StepPath);
        Assert.Equal(StepStatus.Completed, At(result, "review").Status);
        var outputs = Assert.IsAssignableFrom<IReadOnlyDictionary<string, object?>>(At(result, "review").Output);
        Assert.Equal(["good"], outputs.Keys);
        Assert.Equal(1, result.Metrics.StepsFailed);
    }

    [Fact]
    public async Task Parallel_NonCriticalBranchAborts_StopsTheRunAnyway()
    {
        await using var engine = new WorkflowEngine();
        var waiting = new WaitForCancellationStep("slow");
        var workflow = new Workflow("abort",
        [
            new ParallelStep("review",
            [
                waiting,
                new TransformStep("stop", async (_, ct) =>
                {
                    await waiting.Started.WaitAsync(ct);
                    throw new AbortException("no point going on");
                }) { IsCritical = false },
            ]),
            new TransformStep("after", _ => "ran"),
        ]);

        var result = await engine.ExecuteAsync(workflow).Within();

        Assert.Equal(WorkflowStatus.Failed, result.Status);
        Assert.Equal(ErrorKind.Aborted, result.Error!.Kind);
        Assert.Equal("review/stop", result.Error.StepPath);
        Assert.Equal(StepStatus.Cancelled, At(result, "review/slow").Status);
        Assert.DoesNotContain(result.Steps, s => s.StepName == "after");
    }

    [Fact]
    public async Task Parallel_RunTimeout_StopsEveryBranchPromptlyAndKeepsCompletedBranches()
    {
        var mock = new MockChatClient().WithLatency(TimeSpan.FromMinutes(5));
        await using var engine = new WorkflowEngine(mock);
        var workflow = Workflow.Create("timeout")
            .AddParallel("fan", p => p
                .AddTransformStep("quick", static _ => "done")
                .AddLlmStep("slow1", "one")
                .AddLlmStep("slow2", "two")
                .AddStep(new WaitForCancellationStep("waits")))
            .AddTransformStep("after", static _ => "never")
            .Build();

        var clock = Stopwatch.StartNew();
        var result = await engine.ExecuteAsync(workflow, options: new WorkflowRunOptions { Timeout = TimeSpan.FromMilliseconds(300) }).Within();
        clock.Stop();

        Assert.Equal(WorkflowStatus.TimedOut, result.Status);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"The run took {clock.Elapsed.TotalMilliseconds:0} ms to stop.");
        Assert.Equal(ErrorKind.TimedOut, result.Error!.Kind);
        Assert.Equal(["fan", "fan/quick", "fan/slow1", "fan/slow2", "fan/waits"], Paths(result));
        Assert.Equal(StepStatus.Completed, At(result, "fan/quick").Status);
        Assert.Equal("done", At(result, "fan/quick").Output);
        Assert.Equal(StepStatus.TimedOut, At(result, "fan").Status);
        Assert.All(new[] { "fan/slow1", "fan/slow2", "fan/waits" }, p => Assert.Equal(StepStatus.TimedOut, At(result, p).Status));
        Assert.Equal(2, mock.CallCount);
    }

    [Fact]
    public async Task Parallel_RunTimeoutOnFakeClock_TimedOutBranchesNameTheirPath()
    {
        var time = new FakeTimeProvider();
        await using var engine = new WorkflowEngine(new ProviderRegistry().Register("m", new MockChatClient(time)), new GenAiWorkflowOptions { DefaultProvider = "m" }, timeProvider: time);
        var first = new WaitForCancellationStep("first");
        var second = new WaitForCancellationStep("second");
        var workflow = new Workflow("fake-timeout", [new ParallelStep("fan", [first, second])]);

        var run = engine.ExecuteAsync(workflow, options: new WorkflowRunOptions { Timeout = TimeSpan.FromSeconds(30) });
        await Task.WhenAll(first.Started, second.Started).Within();
        time.Advance(TimeSpan.FromSeconds(30));
        var result = await run.Within();

        Assert.Equal(WorkflowStatus.TimedOut, result.Status);
        Assert.Equal(TimeSpan.FromSeconds(30), result.Metrics.Duration);
        var branch = At(result, "fan/second");
        Assert.Equal(StepStatus.TimedOut, branch.Status);
        Assert.Equal("fan/second", branch.Error!.StepPath);
        Assert.Contains("'fan/second'", branch.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Parallel_CallerCancels_StopsEveryBranchAndKeepsCompletedOnes()
    {
        await using var engine = new WorkflowEngine(new MockChatClient().WithLatency(TimeSpan.FromMinutes(5)));
        var waiting = new WaitForCancellationStep("waits");
        var quickDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var cts = new CancellationTokenSource();
        var workflow = Workflow.Create("cancel")
            .AddParallel("fan", p => p
                .AddTransformStep("quick", _ => Done(quickDone))
                .AddLlmStep("slow", "slow")
                .AddStep(waiting))
            .Build();

        var run = engine.ExecuteAsync(workflow, cancellationToken: cts.Token);
        await Task.WhenAll(waiting.Started, quickDone.Task).Within();
        await Task.Delay(50); // let the completed branch's result be recorded
        var clock = Stopwatch.StartNew();
        await cts.CancelAsync();
        var result = await run.Within();
        clock.Stop();

        Assert.Equal(WorkflowStatus.Cancelled, result.Status);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"The run took {clock.Elapsed.TotalMilliseconds:0} ms to stop.");
        Assert.Equal(ErrorKind.Cancelled, result.Error!.Kind);
        Assert.Equal(StepStatus.Completed, At(result, "fan/quick").Status);
        Assert.Equal(StepStatus.Cancelled, At(result, "fan/slow").Status);
        Assert.Equal(StepStatus.Cancelled, At(result, "fan/waits").Status);
        Assert.Contains("cancelled by the caller", At(result, "fan/waits").Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Parallel_CriticalMiddlewareFailsInNonCriticalBranch_StopsRunAndHooksSeeBranchPaths()
    {
        var middleware = new FailingMiddleware("review/cons");
        await using var engine = new WorkflowEngine(new MockChatClient().WithLatency(TimeSpan.FromMilliseconds(20))).Use(middleware);
        var workflow = Workflow.Create("middleware")
            .AddParallel("review", static p => p
                .AddLlmStep("pros", "Pros")
                .AddLlmStep("cons", "Cons", isCritical: false))
            .AddLlmStep("after", "After")
            .Build();

        var result = await engine.ExecuteAsync(workflow).Within();

        Assert.Equal(WorkflowStatus.Failed, result.Status);
        Assert.Equal(ErrorKind.MiddlewareFailed, result.Error!.Kind);
        Assert.Equal("review/cons", result.Error.StepPath);
        Assert.Contains("review/cons", middleware.Seen);
        Assert.DoesNotContain(result.Steps, static s => s.StepName == "after");
    }

    private static string Done(TaskCompletionSource done)
    {
        done.TrySetResult();
        return "done";
    }

    private sealed class FailingMiddleware(string failAt) : WorkflowMiddleware
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<string?> _seen = new();

        public IReadOnlyCollection<string?> Seen => _seen;

        public override bool IsCritical => true;

        public override ValueTask<ModelRequest> BeforeLlmCallAsync(MiddlewareContext context, ModelRequest request, CancellationToken cancellationToken)
        {
            _seen.Enqueue(context.StepPath);
            return context.StepPath == failAt
                ? throw new InvalidOperationException($"middleware refuses {failAt}")
                : ValueTask.FromResult(request);
        }
    }

    [Fact]
    public async Task Parallel_NonCriticalGroupStepTimeout_StopsItsBranchesAndRunGoesOn()
    {
        var time = new FakeTimeProvider();
        await using var engine = new WorkflowEngine(new ProviderRegistry().Register("m", new MockChatClient(time)), new GenAiWorkflowOptions { DefaultProvider = "m" }, timeProvider: time);
        var waiting = new WaitForCancellationStep("waits");
        var quickDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var workflow = new Workflow("group-timeout",
        [
            new ParallelStep("fan", [new TransformStep("quick", _ => Done(quickDone)), waiting]) { StepTimeout = TimeSpan.FromSeconds(5), IsCritical = false },
            new TransformStep("after", static _ => "after ran"),
        ]);

        var run = engine.ExecuteAsync(workflow);
        await Task.WhenAll(waiting.Started, quickDone.Task).Within();
        await Task.Delay(50); // let the completed branch's result be recorded
        time.Advance(TimeSpan.FromSeconds(5));
        var result = await run.Within();

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        Assert.Equal("after ran", result.Output);
        var group = At(result, "fan");
        Assert.Equal(StepStatus.Failed, group.Status);
        Assert.Contains("timeout", group.Error!.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(StepStatus.Completed, At(result, "fan/quick").Status);
        Assert.Equal(StepStatus.Cancelled, At(result, "fan/waits").Status);
        Assert.Equal("Step 'fan/waits' was cancelled: the step enclosing it was stopped by its own timeout.", At(result, "fan/waits").Error!.Message);
    }

    [Fact]
    public void ParallelStep_NoBranchesOrBadLimit_Rejected()
    {
        Assert.Throws<WorkflowException>(() => Workflow.Create("empty").AddParallel("fan", static _ => { }).Build());
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            Workflow.Create("zero").AddParallel("fan", static p => p.AddTransformStep("a", static _ => 1), maxDegreeOfParallelism: 0));
    }
}
