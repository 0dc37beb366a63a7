using System.Diagnostics.Metrics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;
using Workflows.Tests.Diagnostics;
using Workflows.Tests.TestSupport;

namespace Workflows.Tests.Execution;

public sealed class WorkflowEngineStreamingTests
{
    private static Workflow TwoSteps(string name = "stream") => Workflow.Create(name)
        .AddLlmStep("draft", "Write about {topic}")
        .AddTransformStep("shout", static ctx => ctx.Get<string>("draft")!.ToUpperInvariant())
        .Build();

    [Fact]
    public async Task StreamAsync_TwoSteps_EventsInOrderWithDeltasLabelledByStep()
    {
        var mock = new MockChatClient().WithResponse("Write about rivers", "Rivers carve valleys slowly");
        await using var engine = new WorkflowEngine(mock);

        var events = await engine.StreamAsync(TwoSteps(), new Dictionary<string, object?> { ["topic"] = "rivers" }).ToListAsync().AsTask().Within();

        Assert.Equal(
            ["RunStarted", "StepStarted:draft", "TextDelta:draft", "TextDelta:draft", "TextDelta:draft", "TextDelta:draft", "StepCompleted:draft",
             "StepStarted:shout", "StepCompleted:shout", "RunCompleted"],
            events.Select(Describe));
        Assert.Equal("Rivers carve valleys slowly", string.Concat(events.OfType<TextDeltaEvent>().Select(static e => e.Text)));
        var completed = Assert.IsType<RunCompletedEvent>(events[^1]);
        Assert.Equal(WorkflowStatus.Completed, completed.Result.Status);
        Assert.Equal("RIVERS CARVE VALLEYS SLOWLY", completed.Result.Output);
        Assert.Same(completed.Result.Steps[0], events.OfType<StepCompletedEvent>().First().Result);
        Assert.All(events, e => Assert.Equal(completed.Result.WorkflowId, e.WorkflowId));
        Assert.True(Assert.Single(mock.Calls).Streamed);
    }

    [Fact]
    public async Task StreamAsync_SameRun_ResultMatchesExecuteAsync()
    {
        var mock = new MockChatClient().WithResponse("Write about otters", "Otters hold hands");
        await using var engine = new WorkflowEngine(mock);
        var inputs = new Dictionary<string, object?> { ["topic"] = "otters" };

        var executed = await engine.ExecuteAsync(TwoSteps(), inputs);
        var streamed = ((RunCompletedEvent)(await engine.StreamAsync(TwoSteps(), inputs).ToListAsync())[^1]).Result;

        Assert.Equal(executed.Status, streamed.Status);
        Assert.Equal(executed.Output, streamed.Output);
        Assert.Equal(executed.Metrics.TotalUsage, streamed.Metrics.TotalUsage);
        Assert.Equal(executed.Metrics.TotalCost, streamed.Metrics.TotalCost);
        Assert.Equal(executed.Metrics.LlmCalls, streamed.Metrics.LlmCalls);
        Assert.Equal(executed.Steps.Select(static s => (s.StepName, s.Status, s.Output, s.Usage, s.Model)), streamed.Steps.Select(static s => (s.StepName, s.Status, s.Output, s.Usage, s.Model)));
    }

    [Fact]
    public async Task StreamAsync_StreamedUsage_IsExactFromTheFinalChunk()
    {
        var mock = new MockChatClient().WithResponse("Write about x", "abcd efgh");
        await using var engine = new WorkflowEngine(mock);

        var events = await engine.StreamAsync(TwoSteps(), new Dictionary<string, object?> { ["topic"] = "x" }).ToListAsync();

        var draft = ((RunCompletedEvent)events[^1]).Result.Steps[0];
        Assert.Equal(4, draft.Usage.InputTokens);   // "Write about x" = 13 chars
        Assert.Equal(3, draft.Usage.OutputTokens);  // "abcd efgh" = 9 chars
        Assert.Equal(7, draft.Usage.TotalTokens);
    }

    [Fact]
    public async Task StreamAsync_CallerCancels_EndsWithCancelledRunCompletedEvent()
    {
        var mock = new MockChatClient().WithLatency(TimeSpan.FromMinutes(5));
        await using var engine = new WorkflowEngine(mock);
        using var cts = new CancellationTokenSource();
        var events = new List<WorkflowEvent>();

        await foreach (var e in engine.StreamAsync(TwoSteps(), new Dictionary<string, object?> { ["topic"] = "t" }, cancellationToken: cts.Token).WithCancellation(cts.Token))
        {
            events.Add(e);
            if (e is StepStartedEvent)
            {
                await cts.CancelAsync();
            }
        }

        var result = Assert.IsType<RunCompletedEvent>(events[^1]).Result;
        Assert.Equal(WorkflowStatus.Cancelled, result.Status);
        Assert.Equal(StepStatus.Cancelled, Assert.Single(result.Steps).Status);
        Assert.IsType<StepCompletedEvent>(events[^2]);
    }

    [Fact]
    public async Task StreamAsync_Timeout_EndsWithTimedOutRunCompletedEventKeepingCompletedSteps()
    {
        var time = new FakeTimeProvider();
        var mock = new MockChatClient(time);
        var waiting = new WaitForCancellationStep("wait");
        await using var engine = new WorkflowEngine(new ProviderRegistry().Register("m", mock), new GenAiWorkflowOptions { DefaultProvider = "m" }, timeProvider: time);
        var workflow = new Workflow("slow", [new LlmStep("first", "hi"), waiting]);

        var stream = engine.StreamAsync(workflow, options: new WorkflowRunOptions { Timeout = TimeSpan.FromSeconds(10) }).ToListAsync().AsTask();
        await waiting.Started.Within();
        time.Advance(TimeSpan.FromSeconds(10));
        var events = await stream.Within();

        var result = Assert.IsType<RunCompletedEvent>(events[^1]).Result;
        Assert.Equal(WorkflowStatus.TimedOut, result.Status);
        Assert.Equal([StepStatus.Completed, StepStatus.TimedOut], result.Steps.Select(static s => s.Status));
        Assert.Equal("Mock response to: hi", result.Output);
    }

    [Fact]
    public async Task StreamAsync_ConsumerStopsEarly_RunIsCancelledAndEndHooksSeeIt()
    {
        var mock = new MockChatClient().WithLatency(TimeSpan.FromMinutes(5));
        var end = new EndRecorder();
        await using var engine = new WorkflowEngine(mock).Use(end);

        await foreach (var e in engine.StreamAsync(TwoSteps(), new Dictionary<string, object?> { ["topic"] = "t" }))
        {
            if (e is StepStartedEvent)
            {
                break;
            }
        }

        var result = await end.Ended.Task.Within();
        Assert.Equal(WorkflowStatus.Cancelled, result.Status);
        Assert.Equal(1, mock.CallCount);
    }

    [Fact]
    public async Task StreamAsync_NonCriticalFailure_StepCompletedEventCarriesFailureAndRunGoesOn()
    {
        var mock = new MockChatClient().FailOnCall(1);
        await using var engine = new WorkflowEngine(mock);
        var workflow = Workflow.Create("soft")
            .AddLlmStep("optional", "a", isCritical: false)
            .AddLlmStep("main", "b")
            .Build();

        var events = await engine.StreamAsync(workflow).ToListAsync();

        var steps = events.OfType<StepCompletedEvent>().Select(static e => e.Result).ToList();
        Assert.Equal([StepStatus.Failed, StepStatus.Completed], steps.Select(static s => s.Status));
        Assert.Equal(ErrorKind.StepFailed, steps[0].Error!.Kind);
        Assert.Equal(WorkflowStatus.Completed, ((RunCompletedEvent)events[^1]).Result.Status);
    }

    [Fact]
    public async Task StreamAsync_BudgetExceeded_StopsBeforeTheCallAndReportsIt()
    {
        var mock = new MockChatClient();
        await using var engine = new WorkflowEngine(mock);
        var workflow = Workflow.Create("budget").AddLlmStep("a", "hello").WithBudget(new RunBudget { MaxTokens = 10 }).Build();

        var events = await engine.StreamAsync(workflow).ToListAsync();

        var result = ((RunCompletedEvent)events[^1]).Result;
        Assert.Equal(WorkflowStatus.Failed, result.Status);
        Assert.Equal(ErrorKind.BudgetExceeded, result.Error!.Kind);
        Assert.Empty(events.OfType<TextDeltaEvent>());
        Assert.Equal(0, mock.CallCount);
    }

    [Fact]
    public async Task StreamAsync_ByName_UnknownWorkflowThrowsBeforeEnumeration()
    {
        await using var engine = new WorkflowEngine();

        Assert.Throws<WorkflowException>(() => engine.StreamAsync("missing"));
    }

    [Fact]
    public async Task StreamAsync_NonPositiveTimeout_ThrowsBeforeEnumeration()
    {
        await using var engine = new WorkflowEngine();

        Assert.Throws<ArgumentOutOfRangeException>(() => engine.StreamAsync(TwoSteps(), options: new WorkflowRunOptions { Timeout = TimeSpan.Zero }));
    }

    [Fact]
    public async Task StreamAsync_MiddlewareReplacesResponse_StepOutputIsReplacedDeltasAreNot()
    {
        var mock = new MockChatClient().WithResponse("Write about t", "raw text");
        await using var engine = new WorkflowEngine(mock).Use(new ReplacingMiddleware());

        var events = await engine.StreamAsync(TwoSteps(), new Dictionary<string, object?> { ["topic"] = "t" }).ToListAsync();

        Assert.Equal("raw text", string.Concat(events.OfType<TextDeltaEvent>().Select(static e => e.Text)));
        Assert.Equal("replaced", ((RunCompletedEvent)events[^1]).Result.Steps[0].Output);
    }

    [Fact]
    public async Task StreamAsync_ChatSpanAndHistogram_RecordTimeToFirstChunk()
    {
        var time = new FakeTimeProvider();
        using var services = TestEngines.CreateMeterServices();
        var meters = services.GetRequiredService<IMeterFactory>();
        using var firstChunk = new MetricCollector<double>(meters, WorkflowTelemetry.SourceName, "gen_ai.client.operation.time_to_first_chunk");
        var provider = new ScriptedProvider(time) { Latency = TimeSpan.FromMilliseconds(250) };
        await using var engine = TestEngines.Create(provider, meters, time);
        using var root = TestEngines.StartRootActivity();
        using var spans = new ActivityCollector(root.TraceId);

        await engine.StreamAsync(new Workflow(TestEngines.UniqueName("ttfc"), [new LlmStep("a", "x") { Model = "gpt-4o-mini" }])).ToListAsync();

        var chat = spans.Single("chat gpt-4o-mini");
        Assert.Equal(0.25, chat.GetTagItem("gen_ai.response.time_to_first_chunk"));
        Assert.Equal(true, chat.GetTagItem("gen_ai.request.stream"));
        var measurement = Assert.Single(firstChunk.GetMeasurementSnapshot());
        Assert.Equal(0.25, measurement.Value);
        Assert.Equal("gpt-4o-mini", measurement.Tags["gen_ai.request.model"]);
    }

    [Fact]
    public async Task ExecuteAsync_NotStreamed_RecordsNoTimeToFirstChunk()
    {
        using var services = TestEngines.CreateMeterServices();
        var meters = services.GetRequiredService<IMeterFactory>();
        using var firstChunk = new MetricCollector<double>(meters, WorkflowTelemetry.SourceName, "gen_ai.client.operation.time_to_first_chunk");
        await using var engine = TestEngines.Create(new ScriptedProvider(), meters);

        await engine.ExecuteAsync(new Workflow(TestEngines.UniqueName("plain"), [new LlmStep("a", "x")]));

        Assert.Empty(firstChunk.GetMeasurementSnapshot());
    }

    private static string Describe(WorkflowEvent e) => e switch
    {
        RunStartedEvent => "RunStarted",
        StepStartedEvent s => $"StepStarted:{s.StepName}",
        TextDeltaEvent d => $"TextDelta:{d.StepName}",
        StepCompletedEvent c => $"StepCompleted:{c.Result.StepName}",
        RunCompletedEvent => "RunCompleted",
        _ => e.GetType().Name,
    };

    private sealed class EndRecorder : WorkflowMiddleware
    {
        public TaskCompletionSource<WorkflowResult> Ended { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override ValueTask OnWorkflowEndAsync(MiddlewareContext context, WorkflowResult result, CancellationToken cancellationToken)
        {
            Ended.TrySetResult(result);
            return ValueTask.CompletedTask;
        }
    }

    private sealed class ReplacingMiddleware : WorkflowMiddleware
    {
        public override ValueTask<ChatResponse> AfterLlmCallAsync(MiddlewareContext context, ModelRequest request, ChatResponse response, CancellationToken cancellationToken) =>
            ValueTask.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "replaced")));
    }
}
