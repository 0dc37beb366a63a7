using Microsoft.Extensions.Time.Testing;
using Workflows.Tests.TestSupport;

namespace Workflows.Tests.Execution;

public sealed partial class WorkflowEngineTests
{
    private static WorkflowEngine EngineOn(FakeTimeProvider time, MockChatClient? mock = null, double timeoutSeconds = 300) =>
        new(
            new ProviderRegistry().Register("m", mock ?? new MockChatClient()),
            new GenAiWorkflowOptions { DefaultProvider = "m", TimeoutSeconds = timeoutSeconds },
            timeProvider: time);

    [Fact]
    public async Task ExecuteAsync_TimeoutDuringAwaitingStep_TimedOutWithEarlierStepsKept()
    {
        var time = new FakeTimeProvider();
        await using var engine = EngineOn(time);
        var waiting = new WaitForCancellationStep("wait");
        var laterRan = false;
        var workflow = new Workflow("wf",
        [
            new LlmStep("first", "hello"),
            waiting,
            new TransformStep("later", _ => laterRan = true),
        ]);

        var run = engine.ExecuteAsync(workflow, options: new WorkflowRunOptions { Timeout = TimeSpan.FromSeconds(30) });
        await waiting.Started.Within();
        time.Advance(TimeSpan.FromSeconds(30));
        var result = await run.Within();

        Assert.Equal(WorkflowStatus.TimedOut, result.Status);
        Assert.False(laterRan);
        Assert.Equal(["first", "wait"], result.Steps.Select(static s => s.StepName));
        Assert.Equal(StepStatus.Completed, result.Steps[0].Status);
        Assert.Equal("Mock response to: hello", result.Output);
        var interrupted = result.Steps[1];
        Assert.Equal(StepStatus.TimedOut, interrupted.Status);
        Assert.Equal(ErrorKind.TimedOut, interrupted.Error!.Kind);
        Assert.Equal(ErrorKind.TimedOut, result.Error!.Kind);
        Assert.Equal("wait", result.Error.StepName);
        Assert.Equal(typeof(TimeoutException).FullName, result.Error.ExceptionType);
        Assert.Equal(TimeSpan.FromSeconds(30), result.Metrics.Duration);
        Assert.Equal(TimeSpan.FromSeconds(30), interrupted.Duration);
        Assert.Equal(result.Steps[0].Usage, result.Metrics.TotalUsage);
        Assert.Equal(1, result.Metrics.StepsCompleted);
        Assert.Equal(1, result.Metrics.StepsFailed);
    }

    [Fact]
    public async Task ExecuteAsync_TimeoutDuringStepBlockingSynchronously_ReturnsAtTimeout()
    {
        var time = new FakeTimeProvider();
        await using var engine = EngineOn(time);
        using var blocking = new BlockingStep("stuck");
        var workflow = new Workflow("wf", [new TransformStep("first", static _ => 1), blocking]);

        var run = engine.ExecuteAsync(workflow, options: new WorkflowRunOptions { Timeout = TimeSpan.FromSeconds(10) });
        await blocking.Started.Within();
        time.Advance(TimeSpan.FromSeconds(10));
        var result = await run.Within();

        Assert.Equal(WorkflowStatus.TimedOut, result.Status);
        Assert.Equal(StepStatus.TimedOut, result.GetStep("stuck")!.Status);
        Assert.Equal(StepStatus.Completed, result.GetStep("first")!.Status);
    }

    [Fact]
    public void Execute_SyncWithTimeoutAndStepBlockingSynchronously_ReturnsTimedOut()
    {
        var engine = new WorkflowEngine();
        using var blocking = new BlockingStep("stuck");
        var workflow = new Workflow("wf", [new TransformStep("first", static _ => "kept"), blocking]);

        var result = Bounded.OnThread(() => engine.Execute(workflow, timeout: TimeSpan.FromMilliseconds(100)));

        Assert.Equal(WorkflowStatus.TimedOut, result.Status);
        Assert.Equal("kept", result.Output);
        Assert.Equal(StepStatus.TimedOut, result.GetStep("stuck")!.Status);
    }

    [Fact]
    public async Task ExecuteAsync_NoRunTimeout_UsesConfiguredTimeoutSeconds()
    {
        var time = new FakeTimeProvider();
        await using var engine = EngineOn(time, timeoutSeconds: 5);
        var waiting = new WaitForCancellationStep("wait");

        var run = engine.ExecuteAsync(new Workflow("wf", [waiting]));
        await waiting.Started.Within();
        time.Advance(TimeSpan.FromSeconds(5));
        var result = await run.Within();

        Assert.Equal(WorkflowStatus.TimedOut, result.Status);
        Assert.Equal(TimeSpan.FromSeconds(5), result.Metrics.Duration);
    }

    [Fact]
    public async Task ExecuteAsync_JustBeforeConfiguredTimeout_Completes()
    {
        var time = new FakeTimeProvider();
        await using var engine = EngineOn(time, timeoutSeconds: 5);
        var gated = new GatedStep("gated", "done");

        var run = engine.ExecuteAsync(new Workflow("wf", [gated]));
        await gated.Started.Within();
        time.Advance(TimeSpan.FromMilliseconds(4999));
        gated.Release();
        var result = await run.Within();

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        Assert.Equal("done", result.Output);
    }

    [Fact]
    public async Task ExecuteAsync_RunTimeoutOption_OverridesConfiguredTimeout()
    {
        var time = new FakeTimeProvider();
        await using var engine = EngineOn(time, timeoutSeconds: 1);
        var gated = new GatedStep("gated", "done");

        var run = engine.ExecuteAsync(new Workflow("wf", [gated]), options: new WorkflowRunOptions { Timeout = TimeSpan.FromMinutes(1) });
        await gated.Started.Within();
        time.Advance(TimeSpan.FromSeconds(30));
        gated.Release();

        Assert.Equal(WorkflowStatus.Completed, (await run.Within()).Status);
    }

    [Fact]
    public async Task ExecuteAsync_CallerCancelsDuringStep_CancelledWithFinalMetrics()
    {
        var time = new FakeTimeProvider();
        await using var engine = EngineOn(time);
        var waiting = new WaitForCancellationStep("wait");
        using var cts = new CancellationTokenSource();
        var workflow = new Workflow("wf", [new LlmStep("first", "hello"), waiting, new TransformStep("later", static _ => 1)]);

        var run = engine.ExecuteAsync(workflow, cancellationToken: cts.Token);
        await waiting.Started.Within();
        time.Advance(TimeSpan.FromSeconds(2));
        await cts.CancelAsync();
        var result = await run.Within();

        Assert.Equal(WorkflowStatus.Cancelled, result.Status);
        Assert.Equal(ErrorKind.Cancelled, result.Error!.Kind);
        Assert.Equal("wait", result.Error.StepName);
        Assert.Equal(typeof(OperationCanceledException).FullName, result.Error.ExceptionType);
        Assert.Equal(["first", "wait"], result.Steps.Select(static s => s.StepName));
        Assert.Equal(StepStatus.Cancelled, result.Steps[1].Status);
        Assert.Equal(TimeSpan.FromSeconds(2), result.Metrics.Duration);
        Assert.Equal(result.Metrics.StartedAt + TimeSpan.FromSeconds(2), result.Metrics.CompletedAt);
        Assert.Equal(1, result.Metrics.LlmCalls);
        Assert.True(result.Metrics.TotalUsage.TotalTokens > 0);
        Assert.Equal(2, result.Metrics.Steps.Count);
    }

    [Fact]
    public async Task ExecuteAsync_CallerCancelsDuringModelLatency_Cancelled()
    {
        var time = new FakeTimeProvider();
        var mock = new MockChatClient(time).WithLatency(TimeSpan.FromMinutes(1));
        await using var engine = EngineOn(time, mock);
        using var cts = new CancellationTokenSource();

        var run = engine.ExecuteAsync(new Workflow("wf", [new LlmStep("slow", "hi")]), cancellationToken: cts.Token);
        while (mock.CallCount == 0 && !run.IsCompleted)
        {
            await Task.Delay(1);
        }

        await cts.CancelAsync();
        var result = await run.Within();

        Assert.Equal(WorkflowStatus.Cancelled, result.Status);
        Assert.Equal(StepStatus.Cancelled, result.GetStep("slow")!.Status);
    }

    [Fact]
    public async Task ExecuteAsync_AlreadyCancelledToken_CancelledBeforeAnyStep()
    {
        var ran = false;
        await using var engine = new WorkflowEngine();

        var result = await engine.ExecuteAsync(
            Workflow.Create("wf").AddTransformStep("a", _ => ran = true).Build(),
            cancellationToken: new CancellationToken(canceled: true));

        Assert.Equal(WorkflowStatus.Cancelled, result.Status);
        Assert.False(ran);
        Assert.Empty(result.Steps);
        Assert.Equal(ErrorKind.Cancelled, result.Error!.Kind);
        Assert.Null(result.Error.StepName);
    }
}
