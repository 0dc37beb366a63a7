using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Workflows.Tests.Edges;

/// <summary>Middleware off the happy path: which failures reach OnStepError, cancellation that is not the run's, OnWorkflowEnd throwing.</summary>
public sealed class MiddlewareEdgeTests
{
    [Fact]
    public async Task OnStepError_OrdinaryStepFailure_Fires()
    {
        var seen = new ConcurrentQueue<string>();
        await using var engine = new WorkflowEngine(new MockChatClient()).Use(new StepErrorRecorder(seen));
        var workflow = Workflow.Create("errors").AddTransformStep("flaky", _ => throw new InvalidOperationException("boom")).Build();

        var result = await engine.ExecuteAsync(workflow);

        Assert.Equal(ErrorKind.StepFailed, result.Error?.Kind);
        Assert.Equal(["flaky:InvalidOperationException"], seen);
    }

    [Fact]
    public async Task OnStepError_BudgetStop_DoesNotFire()
    {
        var seen = new ConcurrentQueue<string>();
        await using var engine = new WorkflowEngine(new MockChatClient()).Use(new StepErrorRecorder(seen));
        var workflow = Workflow.Create("budget").AddStep(new LlmStep("draft", "write a poem") { MaxTokens = 100, IsCritical = false }).Build();

        var result = await engine.ExecuteAsync(workflow, options: new WorkflowRunOptions { Budget = new RunBudget { MaxTokens = 10 } });

        Assert.Equal(ErrorKind.BudgetExceeded, result.Error?.Kind);
        Assert.Empty(seen);
    }

    [Fact]
    public async Task OnStepError_StepAborts_DoesNotFire()
    {
        var seen = new ConcurrentQueue<string>();
        await using var engine = new WorkflowEngine(new MockChatClient()).Use(new StepErrorRecorder(seen));
        var workflow = Workflow.Create("abort").AddTransformStep("guard", _ => throw new AbortException("input rejected"), isCritical: false).Build();

        var result = await engine.ExecuteAsync(workflow);

        Assert.Equal(ErrorKind.Aborted, result.Error?.Kind);
        Assert.Empty(seen);
    }

    [Fact]
    public async Task OnStepError_CriticalMiddlewareFails_DoesNotFireAndTheRunNamesTheMiddleware()
    {
        var seen = new ConcurrentQueue<string>();
        await using var engine = new WorkflowEngine(new MockChatClient())
            .Use(new StepErrorRecorder(seen))
            .Use(new ThrowingBeforeCall(new InvalidOperationException("middleware bug"), isCritical: true));
        var workflow = Workflow.Create("mwfail").AddLlmStep("draft", "hello", isCritical: false).Build();

        var result = await engine.ExecuteAsync(workflow);

        Assert.Equal(WorkflowStatus.Failed, result.Status);
        Assert.Equal(ErrorKind.MiddlewareFailed, result.Error?.Kind);
        Assert.Empty(seen);
    }

    [Fact]
    public async Task NonCriticalMiddleware_ThrowsOperationCanceledWhileRunIsNotCancelled_IsLoggedAndTheRunCompletes()
    {
        var collector = new FakeLogCollector();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(new FakeLoggerProvider(collector)));
        var mock = new MockChatClient();
        await using var engine = new WorkflowEngine(new ProviderRegistry().Register("default", mock), loggerFactory: loggerFactory)
            .Use(new ThrowingBeforeCall(new OperationCanceledException("its own timeout"), isCritical: false));
        var workflow = Workflow.Create("oce").AddLlmStep("draft", "hello", provider: "default").Build();

        var result = await engine.ExecuteAsync(workflow);

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        Assert.Equal(1, mock.CallCount);
        var record = Assert.Single(collector.GetSnapshot(), r => r.Id.Name == "MiddlewareFailed");
        Assert.IsType<OperationCanceledException>(record.Exception);
        Assert.Contains("failed in BeforeLlmCallAsync during workflow oce (critical: False)", record.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CriticalMiddleware_ThrowsOperationCanceledWhileRunIsNotCancelled_FailsTheRunAsAMiddlewareFailure()
    {
        var mock = new MockChatClient();
        await using var engine = new WorkflowEngine(mock)
            .Use(new ThrowingBeforeCall(new OperationCanceledException("its own timeout"), isCritical: true));
        var workflow = Workflow.Create("oce").AddLlmStep("draft", "hello").Build();

        var result = await engine.ExecuteAsync(workflow);

        Assert.Equal(WorkflowStatus.Failed, result.Status);
        Assert.Equal(ErrorKind.MiddlewareFailed, result.Error?.Kind);
        Assert.Equal(typeof(ThrowingBeforeCall).FullName, result.Error?.PluginType);
        Assert.Equal("draft", result.Error?.StepName);
        Assert.EndsWith("failed in BeforeLlmCallAsync: its own timeout", result.Error?.Message, StringComparison.Ordinal);
        Assert.Equal(0, mock.CallCount);
    }

    [Fact]
    public async Task NonCriticalMiddleware_FailsOtherwiseWhileTheRunIsBeingCancelled_TheFailureIsLoggedAndTheRunEndsCancelled()
    {
        // Only the run's own cancellation passes through a hook unlogged; any other failure in the same moment is still a
        // middleware failure and is logged as one.
        var collector = new FakeLogCollector();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(new FakeLoggerProvider(collector)));
        using var caller = new CancellationTokenSource();
        var mock = new MockChatClient();
        await using var engine = new WorkflowEngine(new ProviderRegistry().Register("default", mock), loggerFactory: loggerFactory)
            .Use(new CancelThenThrowBeforeCall(caller, new InvalidOperationException("bug while cancelling")));
        var workflow = Workflow.Create("cancelling").AddLlmStep("draft", "hello", provider: "default").Build();

        var result = await engine.ExecuteAsync(workflow, cancellationToken: caller.Token);

        Assert.Equal(WorkflowStatus.Cancelled, result.Status);
        Assert.Equal(0, mock.CallCount);

        // The run stops waiting for the step as soon as the caller cancels, so the hook's failure may be logged on the
        // abandoned step's thread after the result is back.
        var record = await WaitForSingleAsync(collector, "MiddlewareFailed");
        Assert.Equal("bug while cancelling", record.Exception?.Message);
        Assert.Contains("failed in BeforeLlmCallAsync during workflow cancelling (critical: False)", record.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnWorkflowEnd_Throws_ResultIsReturnedLaterMiddlewareStillRunsAndTheFailureIsLogged()
    {
        var collector = new FakeLogCollector();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(new FakeLoggerProvider(collector)));
        var ends = new ConcurrentQueue<string>();
        await using var engine = new WorkflowEngine(new ProviderRegistry(), loggerFactory: loggerFactory)
            .Use(new ThrowingAtEnd())
            .Use(new EndRecorder(ends));
        var workflow = Workflow.Create("end").AddTransformStep("only", _ => "done").Build();

        var result = await engine.ExecuteAsync(workflow);

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        Assert.Equal("done", result.Output);
        Assert.Equal(["Completed"], ends);
        var record = Assert.Single(collector.GetSnapshot(), r => r.Id.Name == "MiddlewareFailed");
        Assert.Equal(LogLevel.Warning, record.Level);
        Assert.Equal("end hook bug", record.Exception?.Message);
        Assert.Contains($"{typeof(ThrowingAtEnd).FullName} failed in OnWorkflowEndAsync during workflow end (critical: True)", record.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MiddlewareWithoutIsCriticalOverride_HookThrows_IsNotCriticalAndTheRunCompletes()
    {
        await using var engine = new WorkflowEngine(new MockChatClient()).Use(new PlainThrowingBeforeCall());
        var workflow = Workflow.Create("plain").AddLlmStep("draft", "hello").Build();

        var result = await engine.ExecuteAsync(workflow);

        Assert.False(new PlainThrowingBeforeCall().IsCritical);
        Assert.Equal(WorkflowStatus.Completed, result.Status);
    }

    [Fact]
    public async Task NonCriticalMiddleware_ThrowsAnAlreadyWrappedAbort_TheRunAbortsWithItUnchanged()
    {
        var wrapped = new MiddlewareAbortedException(typeof(StepErrorRecorder), "OnWorkflowStartAsync", new AbortException("quota used up"));
        await using var engine = new WorkflowEngine(new MockChatClient()).Use(new ThrowingAtStart(wrapped));
        var workflow = Workflow.Create("wrapped").AddTransformStep("never", _ => "ran").Build();

        var result = await engine.ExecuteAsync(workflow);

        Assert.Equal(ErrorKind.Aborted, result.Error?.Kind);
        Assert.Equal($"Middleware {typeof(StepErrorRecorder).FullName} aborted the run in OnWorkflowStartAsync: quota used up", result.Error?.Message);
        Assert.Empty(result.Steps);
    }

    [Fact]
    public async Task BeforeLlmCall_InsideAMap_ContextHasTheItemsPathAndVariables()
    {
        var seen = new ConcurrentQueue<string>();
        await using var engine = new WorkflowEngine(new MockChatClient()).Use(new ContextRecorder(seen));
        var workflow = Workflow.Create("map-hooks").AddMap("summaries", "chunks", m => m.AddLlmStep("summary", "Summarize: {item}")).Build();

        var result = await engine.ExecuteAsync(workflow, new Dictionary<string, object?> { ["chunks"] = new[] { "a", "b" } });

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        Assert.Equal(["summary@summaries[0] item=a", "summary@summaries[1] item=b"], seen.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task OnWorkflowStart_Context_HasNoStepAndTheRunsInputs()
    {
        var seen = new ConcurrentQueue<string>();
        await using var engine = new WorkflowEngine(new MockChatClient()).Use(new ContextRecorder(seen));
        var workflow = Workflow.Create("start-hook").AddTransformStep("only", _ => "done").Build();

        await engine.ExecuteAsync(workflow, new Dictionary<string, object?> { ["item"] = "input" });

        Assert.Equal(["start: step=(none) path=(none) item=input"], seen);
    }

    private sealed class PlainThrowingBeforeCall : WorkflowMiddleware
    {
        public override ValueTask<ModelRequest> BeforeLlmCallAsync(MiddlewareContext context, ModelRequest request, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("plain bug");
    }

    private sealed class ThrowingAtStart(Exception exception) : WorkflowMiddleware
    {
        public override ValueTask OnWorkflowStartAsync(MiddlewareContext context, CancellationToken cancellationToken) => throw exception;
    }

    private sealed class ContextRecorder(ConcurrentQueue<string> seen) : WorkflowMiddleware
    {
        public override ValueTask OnWorkflowStartAsync(MiddlewareContext context, CancellationToken cancellationToken)
        {
            seen.Enqueue($"start: step={context.StepName ?? "(none)"} path={context.StepPath ?? "(none)"} item={context.Variables["item"]}");
            return ValueTask.CompletedTask;
        }

        public override ValueTask<ModelRequest> BeforeLlmCallAsync(MiddlewareContext context, ModelRequest request, CancellationToken cancellationToken)
        {
            seen.Enqueue($"{context.StepName}@{context.StepPath} item={context.Variables["item"]}");
            return ValueTask.FromResult(request);
        }
    }

    private sealed class StepErrorRecorder(ConcurrentQueue<string> seen) : WorkflowMiddleware
    {
        public override ValueTask OnStepErrorAsync(MiddlewareContext context, Exception exception, CancellationToken cancellationToken)
        {
            seen.Enqueue($"{context.StepName}:{exception.GetType().Name}");
            return ValueTask.CompletedTask;
        }
    }

    private sealed class ThrowingBeforeCall(Exception exception, bool isCritical) : WorkflowMiddleware
    {
        public override bool IsCritical => isCritical;

        public override ValueTask<ModelRequest> BeforeLlmCallAsync(MiddlewareContext context, ModelRequest request, CancellationToken cancellationToken) =>
            throw exception;
    }

    private static async Task<FakeLogRecord> WaitForSingleAsync(FakeLogCollector collector, string eventName)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!collector.GetSnapshot().Any(r => r.Id.Name == eventName))
        {
            await Task.Delay(10, deadline.Token);
        }

        return Assert.Single(collector.GetSnapshot(), r => r.Id.Name == eventName);
    }

    private sealed class CancelThenThrowBeforeCall(CancellationTokenSource run, Exception exception) : WorkflowMiddleware
    {
        public override bool IsCritical => false;

        public override async ValueTask<ModelRequest> BeforeLlmCallAsync(MiddlewareContext context, ModelRequest request, CancellationToken cancellationToken)
        {
            await run.CancelAsync();
            throw exception;
        }
    }

    private sealed class ThrowingAtEnd : WorkflowMiddleware
    {
        // Critical, and still it cannot fail a run that has already ended.
        public override bool IsCritical => true;

        public override ValueTask OnWorkflowEndAsync(MiddlewareContext context, WorkflowResult result, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("end hook bug");
    }

    private sealed class EndRecorder(ConcurrentQueue<string> ends) : WorkflowMiddleware
    {
        public override ValueTask OnWorkflowEndAsync(MiddlewareContext context, WorkflowResult result, CancellationToken cancellationToken)
        {
            ends.Enqueue(result.Status.ToString());
            return ValueTask.CompletedTask;
        }
    }
}
