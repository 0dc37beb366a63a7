using Microsoft.Extensions.AI;
using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Workflows.Tests.Middleware;

public sealed class WorkflowMiddlewareTests
{
    private static Workflow ThreeSteps(string name = "mw") => Workflow.Create(name)
        .AddLlmStep("first", "one {topic}")
        .AddLlmStep("second", "two {first}")
        .AddTransformStep("third", ctx => $"done: {ctx.Get<string>("second")}")
        .Build();

    private static Dictionary<string, object?> Inputs => new() { ["topic"] = "otters" };

    [Fact]
    public async Task Use_TwoMiddleware_HooksRunInRegistrationOrder()
    {
        var log = new ConcurrentQueue<string>();
        await using var engine = new WorkflowEngine(new MockChatClient())
            .Use(new RecordingMiddleware("A", log))
            .Use(new RecordingMiddleware("B", log));

        var result = await engine.ExecuteAsync(ThreeSteps(), Inputs);

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        Assert.Equal(
            [
                "A:start", "B:start",
                "A:before:first", "B:before:first", "A:after:first", "B:after:first",
                "A:before:second", "B:before:second", "A:after:second", "B:after:second",
                "A:end:Completed", "B:end:Completed",
            ],
            log);
    }

    [Fact]
    public async Task Context_InModelCallHooks_ExposesTheRunsCorrelationUsageVariablesAndServices()
    {
        var seen = new ContextRecorder();
        await using var engine = new WorkflowEngine(new MockChatClient()).Use(seen);

        var result = await engine.ExecuteAsync(ThreeSteps(), Inputs, new WorkflowRunOptions { CorrelationId = "corr-ctx" });

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        Assert.Equal(["corr-ctx", "corr-ctx"], seen.CorrelationIds);
        // Before the second step's call the run has used exactly what the first call cost; after it, both calls.
        Assert.Equal([null, result.Steps[0].Usage.TotalTokens], seen.TokensBefore);
        Assert.Equal(result.Metrics.TotalUsage.TotalTokens, seen.TokensAfterLast);
        Assert.Equal(["Mock response to: one otters", "otters"], seen.ValuesBeforeSecond.Order(StringComparer.Ordinal));
        Assert.Equal(2, seen.CountBeforeSecond);
        Assert.Equal("The run has no variable 'missing'.", seen.MissingVariable?.Message);
        Assert.True(seen.HadServices);
    }

    [Fact]
    public async Task Use_ConcurrentRuns_EachRunSeesDeterministicOrder()
    {
        await using var engine = new WorkflowEngine(new MockChatClient().WithLatency(TimeSpan.FromMilliseconds(1)))
            .Use(new PerRunOrderMiddleware("A"))
            .Use(new PerRunOrderMiddleware("B"));

        var results = await Task.WhenAll(Enumerable.Range(0, 24).Select(_ => Task.Run(() => engine.ExecuteAsync(ThreeSteps(), Inputs))));

        foreach (var result in results)
        {
            Assert.Equal(WorkflowStatus.Completed, result.Status);
            Assert.Equal("A>B|A>B|A>B|A>B|A>B", result.Output?.ToString()?.Split("order=")[1]);
        }
    }

    [Fact]
    public async Task BeforeAndAfterLlmCall_ModifyRequestAndResponse_StepSeesChanges()
    {
        var mock = new MockChatClient().WithPatternResponse("^(.*)$", "echo[$1]");
        await using var engine = new WorkflowEngine(mock).Use(new RewritingMiddleware());
        var workflow = Workflow.Create("rewrite").AddLlmStep("only", "hello {name}").Build();

        var result = await engine.ExecuteAsync(workflow, new Dictionary<string, object?> { ["name"] = "Ada" });

        var sent = Assert.Single(mock.Calls);
        Assert.Equal("hello Ada (reviewed)", sent.Prompt);
        Assert.Equal("gpt-4.1-mini", sent.Model);
        Assert.Equal("ECHO[HELLO ADA (REVIEWED)]", result.Output);
    }

    [Fact]
    public async Task BeforeLlmCall_Aborts_RunFailsNamingMiddlewareAndKeepsCompletedSteps()
    {
        var mock = new MockChatClient();
        await using var engine = new WorkflowEngine(mock).Use(new AbortOnStepMiddleware("second", "prompt contains forbidden content"));

        var result = await engine.ExecuteAsync(ThreeSteps(), Inputs);

        Assert.Equal(WorkflowStatus.Failed, result.Status);
        Assert.NotNull(result.Error);
        Assert.Equal(ErrorKind.Aborted, result.Error.Kind);
        Assert.Equal(typeof(AbortOnStepMiddleware).FullName, result.Error.PluginType);
        Assert.Contains("prompt contains forbidden content", result.Error.Message, StringComparison.Ordinal);
        Assert.Equal("second", result.Error.StepName);
        Assert.Equal([StepStatus.Completed, StepStatus.Failed], result.Steps.Select(s => s.Status));
        Assert.Equal("Mock response to: one otters", result.Steps[0].Output);
        Assert.Equal(1, mock.CallCount);
        Assert.Equal(result.Steps[0].Usage, result.Metrics.TotalUsage);
    }

    [Fact]
    public async Task OnWorkflowStart_Aborts_NoStepRuns()
    {
        var mock = new MockChatClient();
        await using var engine = new WorkflowEngine(mock).Use(new AbortAtStartMiddleware());

        var result = await engine.ExecuteAsync(ThreeSteps(), Inputs);

        Assert.Equal(WorkflowStatus.Failed, result.Status);
        Assert.Equal(ErrorKind.Aborted, result.Error?.Kind);
        Assert.Null(result.Error?.StepName);
        Assert.Empty(result.Steps);
        Assert.Equal(0, mock.CallCount);
    }

    [Fact]
    public async Task NonCriticalMiddleware_Throws_IsLoggedWithTypeAndRunCompletes()
    {
        var collector = new FakeLogCollector();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(new FakeLoggerProvider(collector)).SetMinimumLevel(LogLevel.Debug));
        await using var engine = new WorkflowEngine(new ProviderRegistry(), loggerFactory: loggerFactory)
            .Use(new ThrowingMiddleware(isCritical: false));

        var result = await engine.ExecuteAsync(ThreeSteps(), Inputs);

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        var records = collector.GetSnapshot().Where(r => r.Id.Name == "MiddlewareFailed").ToList();
        Assert.Equal(2, records.Count);
        Assert.All(records, r => Assert.Contains(typeof(ThrowingMiddleware).FullName!, r.Message, StringComparison.Ordinal));
        Assert.All(records, r => Assert.IsType<InvalidOperationException>(r.Exception));
    }

    [Fact]
    public async Task CriticalMiddleware_Throws_RunFailsAttributedToMiddleware()
    {
        await using var engine = new WorkflowEngine(new MockChatClient()).Use(new ThrowingMiddleware(isCritical: true));

        var result = await engine.ExecuteAsync(ThreeSteps(), Inputs);

        Assert.Equal(WorkflowStatus.Failed, result.Status);
        Assert.Equal(ErrorKind.MiddlewareFailed, result.Error?.Kind);
        Assert.Equal(typeof(ThrowingMiddleware).FullName, result.Error?.PluginType);
        Assert.Equal(typeof(ThrowingMiddleware).Assembly.GetName().Name, result.Error?.PluginAssembly);
        Assert.Equal("first", result.Error?.StepName);
        Assert.Single(result.Steps);
    }

    [Fact]
    public async Task OnStepError_NonCriticalStepFails_HookSeesExceptionAndRunGoesOn()
    {
        var seen = new ConcurrentQueue<string>();
        await using var engine = new WorkflowEngine(new MockChatClient()).Use(new StepErrorMiddleware(seen));
        var workflow = Workflow.Create("errors")
            .AddTransformStep("flaky", _ => throw new InvalidOperationException("boom"), isCritical: false)
            .AddTransformStep("after", _ => "still ran")
            .Build();

        var result = await engine.ExecuteAsync(workflow);

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        Assert.Equal("still ran", result.Output);
        Assert.Equal(["flaky:boom"], seen);
    }

    [Fact]
    public async Task OnStepError_Aborts_RunStopsEvenForNonCriticalStep()
    {
        await using var engine = new WorkflowEngine(new MockChatClient()).Use(new AbortOnErrorMiddleware());
        var workflow = Workflow.Create("errors")
            .AddTransformStep("flaky", _ => throw new InvalidOperationException("boom"), isCritical: false)
            .AddTransformStep("after", _ => "never")
            .Build();

        var result = await engine.ExecuteAsync(workflow);

        Assert.Equal(WorkflowStatus.Failed, result.Status);
        Assert.Equal(ErrorKind.Aborted, result.Error?.Kind);
        Assert.Equal("flaky", result.Error?.StepName);
        Assert.Single(result.Steps);
    }

    [Fact]
    public async Task StepThrowsAbortException_RunStopsEvenWhenStepIsNotCritical()
    {
        await using var engine = new WorkflowEngine(new MockChatClient());
        var workflow = Workflow.Create("abort")
            .AddTransformStep("guard", _ => throw new AbortException("input rejected"), isCritical: false)
            .AddTransformStep("after", _ => "never")
            .Build();

        var result = await engine.ExecuteAsync(workflow);

        Assert.Equal(WorkflowStatus.Failed, result.Status);
        Assert.Equal(ErrorKind.Aborted, result.Error?.Kind);
        Assert.Equal("input rejected", result.Error?.Message);
        Assert.Single(result.Steps);
    }

    private sealed class RecordingMiddleware(string name, ConcurrentQueue<string> log) : WorkflowMiddleware
    {
        public override ValueTask OnWorkflowStartAsync(MiddlewareContext context, CancellationToken cancellationToken)
        {
            log.Enqueue($"{name}:start");
            return ValueTask.CompletedTask;
        }

        public override ValueTask<ModelRequest> BeforeLlmCallAsync(MiddlewareContext context, ModelRequest request, CancellationToken cancellationToken)
        {
            log.Enqueue($"{name}:before:{context.StepName}");
            return ValueTask.FromResult(request);
        }

        public override ValueTask<ChatResponse> AfterLlmCallAsync(MiddlewareContext context, ModelRequest request, ChatResponse response, CancellationToken cancellationToken)
        {
            log.Enqueue($"{name}:after:{context.StepName}");
            return ValueTask.FromResult(response);
        }

        public override ValueTask OnWorkflowEndAsync(MiddlewareContext context, WorkflowResult result, CancellationToken cancellationToken)
        {
            log.Enqueue($"{name}:end:{result.Status}");
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>Appends its name to a per-run trail in Items at every hook; the last step prints the trail.</summary>
    private sealed class PerRunOrderMiddleware(string name) : WorkflowMiddleware
    {
        public override ValueTask OnWorkflowStartAsync(MiddlewareContext context, CancellationToken cancellationToken) => Mark(context);

        public override async ValueTask<ModelRequest> BeforeLlmCallAsync(MiddlewareContext context, ModelRequest request, CancellationToken cancellationToken)
        {
            await Task.Yield();
            await Mark(context);
            return request;
        }

        public override async ValueTask<ChatResponse> AfterLlmCallAsync(MiddlewareContext context, ModelRequest request, ChatResponse response, CancellationToken cancellationToken)
        {
            await Mark(context);
            var trail = (string)context.Items["trail"]!;
            return name == "B" && context.StepName == "second" ? new ChatResponse(new ChatMessage(ChatRole.Assistant, $"order={Format(trail)}")) : response;
        }

        private static string Format(string trail) => string.Join('|', trail.Split(' ', StringSplitOptions.RemoveEmptyEntries).Chunk(2).Select(c => string.Join('>', c)));

        private ValueTask Mark(MiddlewareContext context)
        {
            context.Items["trail"] = $"{(context.Items.TryGetValue("trail", out var trail) ? trail : null)} {name}";
            return ValueTask.CompletedTask;
        }
    }

    private sealed class RewritingMiddleware : WorkflowMiddleware
    {
        public override ValueTask<ModelRequest> BeforeLlmCallAsync(MiddlewareContext context, ModelRequest request, CancellationToken cancellationToken) =>
            ValueTask.FromResult(request with
            {
                Messages = [new ChatMessage(ChatRole.User, request.Prompt + " (reviewed)")],
                Options = WithModel(request.Options, "gpt-4.1-mini"),
            });

        private static ChatOptions WithModel(ChatOptions options, string model)
        {
            var copy = options.Clone();
            copy.ModelId = model;
            return copy;
        }

        public override ValueTask<ChatResponse> AfterLlmCallAsync(MiddlewareContext context, ModelRequest request, ChatResponse response, CancellationToken cancellationToken) =>
            ValueTask.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, response.Text.ToUpperInvariant())) { ModelId = response.ModelId, Usage = response.Usage });
    }

    private sealed class AbortOnStepMiddleware(string stepName, string reason) : WorkflowMiddleware
    {
        public override ValueTask<ModelRequest> BeforeLlmCallAsync(MiddlewareContext context, ModelRequest request, CancellationToken cancellationToken) =>
            context.StepName == stepName ? throw new AbortException(reason) : ValueTask.FromResult(request);
    }

    private sealed class AbortAtStartMiddleware : WorkflowMiddleware
    {
        public override ValueTask OnWorkflowStartAsync(MiddlewareContext context, CancellationToken cancellationToken) =>
            throw new AbortException("maintenance window");
    }

    private sealed class ThrowingMiddleware(bool isCritical) : WorkflowMiddleware
    {
        public override bool IsCritical => isCritical;

        public override ValueTask<ChatResponse> AfterLlmCallAsync(MiddlewareContext context, ModelRequest request, ChatResponse response, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("middleware bug");
    }

    private sealed class StepErrorMiddleware(ConcurrentQueue<string> seen) : WorkflowMiddleware
    {
        public override ValueTask OnStepErrorAsync(MiddlewareContext context, Exception exception, CancellationToken cancellationToken)
        {
            seen.Enqueue($"{context.StepName}:{exception.Message}");
            return ValueTask.CompletedTask;
        }
    }

    private sealed class AbortOnErrorMiddleware : WorkflowMiddleware
    {
        public override ValueTask OnStepErrorAsync(MiddlewareContext context, Exception exception, CancellationToken cancellationToken) =>
            throw new AbortException($"stop after {context.StepName} failed");
    }

    private sealed class ContextRecorder : WorkflowMiddleware
    {
        public List<string> CorrelationIds { get; } = [];

        public List<long?> TokensBefore { get; } = [];

        public long? TokensAfterLast { get; private set; }

        public List<string> ValuesBeforeSecond { get; } = [];

        public int CountBeforeSecond { get; private set; }

        public KeyNotFoundException? MissingVariable { get; private set; }

        public bool HadServices { get; private set; }

        public override ValueTask<ModelRequest> BeforeLlmCallAsync(MiddlewareContext context, ModelRequest request, CancellationToken cancellationToken)
        {
            CorrelationIds.Add(context.CorrelationId);
            TokensBefore.Add(context.Usage.Total.TotalTokens);
            if (context.StepName == "second")
            {
                CountBeforeSecond = context.Variables.Count;
                ValuesBeforeSecond.AddRange(context.Variables.Values.Select(static v => $"{v}"));
                MissingVariable = Assert.Throws<KeyNotFoundException>(() => context.Variables["missing"]);
            }

            HadServices = context.Services is not null;
            return ValueTask.FromResult(request);
        }

        public override ValueTask<ChatResponse> AfterLlmCallAsync(
            MiddlewareContext context, ModelRequest request, ChatResponse response, CancellationToken cancellationToken)
        {
            TokensAfterLast = context.Usage.Total.TotalTokens;
            return ValueTask.FromResult(response);
        }
    }
}
