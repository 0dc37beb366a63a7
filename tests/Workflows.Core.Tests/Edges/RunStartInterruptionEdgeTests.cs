using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Workflows.Tests.TestSupport;

namespace Workflows.Tests.Edges;

/// <summary>A run stopped while a middleware's <c>OnWorkflowStartAsync</c> is still running, and the log scope of a run.</summary>
public sealed class RunStartInterruptionEdgeTests
{
    [Fact]
    public async Task OnWorkflowStart_CallerCancelsWhileItRuns_RunIsCancelledAndNoStepRuns()
    {
        var stepRan = false;
        var start = new WaitingStart();
        await using var engine = new WorkflowEngine(new MockChatClient()).Use(start);
        var workflow = Workflow.Create("starting").AddTransformStep("first", _ => stepRan = true).Build();
        using var caller = new CancellationTokenSource();

        var run = engine.ExecuteAsync(workflow, cancellationToken: caller.Token);
        await start.Started.Within();
        await caller.CancelAsync();
        var result = await run.Within();

        Assert.Equal(WorkflowStatus.Cancelled, result.Status);
        Assert.False(stepRan);
        Assert.Empty(result.Steps);
        Assert.Equal(ErrorKind.Cancelled, result.Error?.Kind);
        Assert.Equal("The run was cancelled by the caller.", result.Error?.Message);
        Assert.Equal(typeof(OperationCanceledException).FullName, result.Error?.ExceptionType);
        Assert.Null(result.Error?.StepName);
        Assert.Null(result.Error?.StepPath);
    }

    [Fact]
    public async Task OnWorkflowStart_TimeoutElapsesWhileItRuns_RunTimesOutAndNoStepRuns()
    {
        var time = new FakeTimeProvider();
        var stepRan = false;
        var start = new WaitingStart();
        await using var engine = new WorkflowEngine(
            new ProviderRegistry().Register("m", new MockChatClient()),
            new GenAiWorkflowOptions { DefaultProvider = "m" },
            timeProvider: time).Use(start);
        var workflow = Workflow.Create("starting").AddTransformStep("first", _ => stepRan = true).Build();

        var run = engine.ExecuteAsync(workflow, options: new WorkflowRunOptions { Timeout = TimeSpan.FromSeconds(5) });
        await start.Started.Within();
        time.Advance(TimeSpan.FromSeconds(5));
        var result = await run.Within();

        Assert.Equal(WorkflowStatus.TimedOut, result.Status);
        Assert.False(stepRan);
        Assert.Empty(result.Steps);
        Assert.Equal(ErrorKind.TimedOut, result.Error?.Kind);
        Assert.Equal("The run's timeout elapsed.", result.Error?.Message);
        Assert.Equal(typeof(TimeoutException).FullName, result.Error?.ExceptionType);
    }

    [Fact]
    public async Task RunLogScope_ListsNameIdAndCorrelationInOrderAndReadsAsText()
    {
        using var loggers = new FakeLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(loggers).SetMinimumLevel(LogLevel.Trace));
        await using var engine = new WorkflowEngine(new ProviderRegistry(), loggerFactory: factory);
        var workflow = Workflow.Create("scoped").AddTransformStep("only", _ => "done").Build();

        var result = await engine.ExecuteAsync(workflow, options: new WorkflowRunOptions { CorrelationId = "corr-7" });

        var record = loggers.Collector.GetSnapshot()[0];
        var scope = Assert.Single(record.Scopes.OfType<IReadOnlyList<KeyValuePair<string, object?>>>());
        Assert.Equal(
            [new("WorkflowName", "scoped"), new("WorkflowId", result.WorkflowId), new("CorrelationId", "corr-7")],
            scope.ToList());
        Assert.Equal(3, scope.Count);
        Assert.Equal(new KeyValuePair<string, object?>("CorrelationId", "corr-7"), scope[2]);
        Assert.Throws<ArgumentOutOfRangeException>(() => scope[3]);
        Assert.Equal($"Workflow scoped run {result.WorkflowId} (correlation corr-7)", scope.ToString());
    }

    private sealed class WaitingStart : WorkflowMiddleware
    {
        private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Started => _started.Task;

        public override async ValueTask OnWorkflowStartAsync(MiddlewareContext context, CancellationToken cancellationToken)
        {
            _started.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
    }
}
