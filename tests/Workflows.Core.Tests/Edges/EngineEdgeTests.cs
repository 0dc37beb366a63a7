using System.Diagnostics.Metrics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Workflows.Tests.Diagnostics;

namespace Workflows.Tests.Edges;

/// <summary>
/// The engine off its happy path: null arguments, a run that cannot start, refusals and provider faults as
/// results and logs, the first streamed chunk's time, and the messages of steps stopped by what encloses them.
/// </summary>
public sealed class EngineEdgeTests
{
    private static GenAiWorkflowOptions Default => new() { DefaultProvider = "default" };

    private static readonly Action<ILogger, Exception?> FromTheStep =
        LoggerMessage.Define(LogLevel.Information, new EventId(1, nameof(FromTheStep)), "from the step");

    [Fact]
    public async Task NullArguments_ThrowArgumentNullExceptionNamingTheParameter()
    {
        await using var engine = new WorkflowEngine();

        Assert.Equal("providers", Assert.Throws<ArgumentNullException>(() => new WorkflowEngine((ProviderRegistry)null!)).ParamName);
        Assert.Equal("middleware", Assert.Throws<ArgumentNullException>(() => engine.Use(null!)).ParamName);
        Assert.Equal("workflow", Assert.Throws<ArgumentNullException>(() => engine.AddWorkflow(null!)).ParamName);
        Assert.Equal("workflow", Assert.Throws<ArgumentNullException>(() => engine.Execute((Workflow)null!)).ParamName);
        Assert.Equal("workflow", (await Assert.ThrowsAsync<ArgumentNullException>(() => engine.ExecuteAsync((Workflow)null!))).ParamName);
        Assert.Equal("workflowName", (await Assert.ThrowsAsync<ArgumentNullException>(() => engine.ExecuteAsync((string)null!))).ParamName);
        // Thrown by the call itself, not later by the enumeration.
        Assert.Equal("workflow", Assert.Throws<ArgumentNullException>(() => engine.StreamAsync((Workflow)null!)).ParamName);
    }

    [Fact]
    public async Task StepContext_NullArgumentsAndInnerOfAPlainStep_AreRejectedByTheCall()
    {
        await using var engine = new WorkflowEngine();
        var workflow = Workflow.Create("context-arguments")
            .AddTransformStep("probe", ctx =>
            {
                var variable = Assert.Throws<ArgumentNullException>(() => ctx.GetVariable(null!));
                var request = Assert.Throws<ArgumentNullException>(() => { _ = ctx.GetResponseAsync(null!); });
                var inner = Assert.Throws<InvalidOperationException>(() => ctx.Inner);
                return $"{variable.ParamName}|{request.ParamName}|{inner.Message}";
            })
            .Build();

        var result = await engine.ExecuteAsync(workflow);

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        Assert.Equal("name|request|Step 'probe' is not a composite step; only those run steps inside them.", result.Output);
    }

    [Fact]
    public async Task StreamAsync_RunCannotStart_EnumerationThrowsTheReason()
    {
        await using var engine = new WorkflowEngine(
            new ProviderRegistry(), options: null, ownsProviders: true, scopeFactory: new UnavailableScopeFactory());
        var workflow = Workflow.Create("no-scope").AddTransformStep("never", _ => "ran").Build();

        var error = await Assert.ThrowsAsync<ObjectDisposedException>(
            () => engine.StreamAsync(workflow).ToListAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.Contains("the host's container", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("gpt-4o-2024-08-06", "gpt-4o-2024-08-06")]
    [InlineData(null, "gpt-4o")]
    public async Task Refusal_NamesTheModelThatAnsweredElseTheOneAskedFor_InErrorAndLog(string? answeredBy, string expectedModel)
    {
        var logs = new FakeLogCollector();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(new FakeLoggerProvider(logs)));
        await using var engine = new WorkflowEngine(
            new ProviderRegistry().Register("default", new RefusingProvider(answeredBy)), Default, loggerFactory);

        var result = await engine.ExecuteAsync(Workflow.Create("refused").AddLlmStep("ask", "x", model: "gpt-4o").Build());

        Assert.Equal(ErrorKind.Refused, result.Error?.Kind);
        Assert.Equal($"The model {expectedModel} refused the request of step 'ask': Not this one.", result.Error?.Message);
        var log = Assert.Single(logs.GetSnapshot(), static r => r.Id.Name == "ModelRefused");
        Assert.Equal(LogLevel.Warning, log.Level);
        Assert.Equal($"The model refused the request of step ask to default (model {expectedModel}).", log.Message);
    }

    [Fact]
    public async Task ProviderReturnsNoResponse_StepFailsNamingProviderAndType()
    {
        await using var engine = new WorkflowEngine(new RefusingProvider(answeredBy: null) { ReturnsNull = true });

        var result = await engine.ExecuteAsync(Workflow.Create("null-response").AddLlmStep("ask", "x").Build());

        Assert.Equal(WorkflowStatus.Failed, result.Status);
        Assert.Equal($"Provider 'default' ({typeof(RefusingProvider).FullName}) returned no response.", result.Error?.Message);
        Assert.Equal(typeof(RefusingProvider).FullName, result.Error?.PluginType);
    }

    [Fact]
    public async Task ProviderThrowsCancellationOfItsOwn_IsAProviderFailureAndLogged()
    {
        var logs = new FakeLogCollector();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(new FakeLoggerProvider(logs)));
        var provider = new ScriptedProvider { Failure = new OperationCanceledException("socket gave up") };
        await using var engine = new WorkflowEngine(new ProviderRegistry().Register("default", provider), Default, loggerFactory);

        var result = await engine.ExecuteAsync(Workflow.Create("provider-cancel").AddLlmStep("ask", "x", model: "gpt-4o-mini").Build());

        Assert.Equal(WorkflowStatus.Failed, result.Status);
        Assert.Equal(ErrorKind.StepFailed, result.Error?.Kind);
        Assert.Equal(
            $"Provider 'default' ({typeof(ScriptedProvider).FullName}) failed the call for model 'gpt-4o-mini': OperationCanceledException: socket gave up",
            result.Error?.Message);
        Assert.Equal(typeof(ScriptedProvider).FullName, result.Error?.PluginType);
        var log = Assert.Single(logs.GetSnapshot(), static r => r.Id.Name == "ModelCallFailed");
        Assert.IsType<ProviderException>(log.Exception);
        Assert.StartsWith("Model call of step ask to default (model gpt-4o-mini) failed after ", log.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CallerCancelsDuringAModelCall_StepCancelledAndNoCallFailureLogged()
    {
        var logs = new FakeLogCollector();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(new FakeLoggerProvider(logs)));
        using var cancel = new CancellationTokenSource();
        await using var engine = new WorkflowEngine(
            new ProviderRegistry().Register("default", new HangingProvider(cancel)), Default, loggerFactory);

        var result = await engine.ExecuteAsync(Workflow.Create("cancel-call").AddLlmStep("ask", "x").Build(), cancellationToken: cancel.Token);

        Assert.Equal(WorkflowStatus.Cancelled, result.Status);
        Assert.Equal(StepStatus.Cancelled, result.Steps[0].Status);
        Assert.DoesNotContain(logs.GetSnapshot(), static r => r.Id.Name == "ModelCallFailed");
    }

    [Fact]
    public async Task ToolThrowsCancellationOfItsOwn_IsAToolFailure()
    {
        var tool = AIFunctionFactory.Create(string (string city) => throw new OperationCanceledException("lookup abandoned"), "get_weather");
        var model = new MockChatClient().WithToolCall("weather", "get_weather", new Dictionary<string, object?> { ["city"] = "Oslo" });
        await using var engine = new WorkflowEngine(model);

        var result = await engine.ExecuteAsync(new Workflow("tool-cancel", [new LlmStep("answer", "weather?") { Tools = [tool] }]));

        Assert.Equal(WorkflowStatus.Failed, result.Status);
        Assert.Equal(ErrorKind.ToolFailed, result.Error?.Kind);
        Assert.Contains("lookup abandoned", result.Error?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CallerCancelsWhileAToolRuns_StepCancelledNotAToolFailure()
    {
        using var cancel = new CancellationTokenSource();
        var tool = AIFunctionFactory.Create(
            async (string city, CancellationToken token) =>
            {
                await cancel.CancelAsync();
                await Task.Delay(Timeout.InfiniteTimeSpan, token);
                return "never";
            },
            "get_weather");
        var model = new MockChatClient().WithToolCall("weather", "get_weather", new Dictionary<string, object?> { ["city"] = "Oslo" });
        await using var engine = new WorkflowEngine(model);

        var result = await engine.ExecuteAsync(
            new Workflow("tool-cancelled", [new LlmStep("answer", "weather?") { Tools = [tool] }]), cancellationToken: cancel.Token);

        Assert.Equal(WorkflowStatus.Cancelled, result.Status);
        Assert.Equal(StepStatus.Cancelled, result.Steps[0].Status);
        Assert.Equal(ErrorKind.Cancelled, result.Error?.Kind);
    }

    [Fact]
    public async Task StreamAsync_ChunksArriveApart_TimeToFirstChunkIsTheFirstOnes()
    {
        var time = new FakeTimeProvider();
        using var services = TestEngines.CreateMeterServices();
        var meters = services.GetRequiredService<IMeterFactory>();
        using var firstChunk = new MetricCollector<double>(meters, WorkflowTelemetry.SourceName, "gen_ai.client.operation.time_to_first_chunk");
        await using var engine = TestEngines.Create(new ChunkedProvider(time), meters, time);

        var events = await engine.StreamAsync(new Workflow(TestEngines.UniqueName("chunks"), [new LlmStep("a", "x") { Model = "gpt-4o-mini" }])).ToListAsync();

        Assert.Equal(["Hel", "lo"], events.OfType<TextDeltaEvent>().Select(static e => e.Text));
        Assert.Equal(0.1, Assert.Single(firstChunk.GetMeasurementSnapshot()).Value, 6);
    }

    [Fact]
    public async Task Logs_StepsLogInTheirCategoryAndEachStepOutcomeIsLogged()
    {
        var logs = new FakeLogCollector();
        using var loggerFactory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(logs)));
        var waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var engine = new WorkflowEngine(new ProviderRegistry(), Default, loggerFactory).Use(new FailingEndMiddleware());
        var workflow = Workflow.Create("logged")
            .AddTransformStep("first", ctx =>
            {
                FromTheStep(ctx.Logger, null);
                return "done";
            })
            .AddParallel("review", p => p
                .AddFailingBranch(waiting)
                .AddWaitingBranch(waiting))
            .Build();

        await engine.ExecuteAsync(workflow);

        var records = logs.GetSnapshot();
        Assert.Equal("Workflows.Steps", Assert.Single(records, static r => r.Message == "from the step").Category);
        Assert.Equal("Workflows.Middleware", Assert.Single(records, static r => r.Id.Name == "MiddlewareFailed").Category);
        var completed = Assert.Single(records, static r => r.Id.Name == "StepCompleted");
        Assert.StartsWith("Step first (transform, path first) completed in ", completed.Message, StringComparison.Ordinal);
        var branch = Assert.Single(records, static r => r.Id.Name == "BranchFailed");
        Assert.Equal(LogLevel.Warning, branch.Level);
        Assert.EndsWith(" ms because step review/fails inside it failed.", branch.Message, StringComparison.Ordinal);
        Assert.StartsWith("Step review (parallel, path review) failed after ", branch.Message, StringComparison.Ordinal);
        var interrupted = Assert.Single(records, static r => r.Id.Name == "StepInterrupted");
        Assert.StartsWith("Step waits (transform, path review/waits) was interrupted: Cancelled after ", interrupted.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BudgetStop_IsLoggedWithTheStepPathAndReason()
    {
        var logs = new FakeLogCollector();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(new FakeLoggerProvider(logs)));
        await using var engine = new WorkflowEngine(new ProviderRegistry().Register("default", new MockChatClient()), Default, loggerFactory);
        var workflow = Workflow.Create("budgeted").AddParallel("fan", p => p.AddLlmStep("ask", "a long enough prompt to go over")).Build();

        var result = await engine.ExecuteAsync(workflow, options: new WorkflowRunOptions { Budget = new RunBudget { MaxTokens = 1 } });

        Assert.Equal(ErrorKind.BudgetExceeded, result.Error?.Kind);
        var log = Assert.Single(logs.GetSnapshot(), static r => r.Id.Name == "BudgetExceeded");
        Assert.Equal($"Workflow budgeted run {result.WorkflowId} stopped at step fan/ask: {result.GetStep("fan/ask")?.Error?.Message}", log.Message);
    }

    [Fact]
    public async Task NestedGroupInsideAFailedGroup_InnerStepSaysWhichOuterStepFailed()
    {
        var waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var engine = new WorkflowEngine();
        var workflow = Workflow.Create("nested-cancel")
            .AddParallel("outer", p => p
                .AddFailingBranch(waiting)
                .AddParallel("inner", q => q
                    .AddWaitingBranch(waiting)
                    .AddTransformStep("quick", _ => "quick")))
            .Build();

        var result = await engine.ExecuteAsync(workflow);

        Assert.Equal(WorkflowStatus.Failed, result.Status);
        Assert.Equal("Step 'outer/inner/waits' was cancelled: 'outer/fails' failed.", result.GetStep("outer/inner/waits")?.Error?.Message);
    }

    private sealed class UnavailableScopeFactory : IServiceScopeFactory
    {
        public IServiceScope CreateScope() => throw new ObjectDisposedException("IServiceProvider", "the host's container is disposed");
    }

    private sealed class RefusingProvider(string? answeredBy) : TestChatClient
    {
        public bool ReturnsNull { get; init; }

        protected override Task<ChatResponse> RespondAsync(IReadOnlyList<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken) =>
            Task.FromResult(ReturnsNull
                ? null!
                : new ChatResponse(new ChatMessage(ChatRole.Assistant, [new ErrorContent("Not this one.") { ErrorCode = "Refusal" }])) { ModelId = answeredBy });
    }

    private sealed class HangingProvider(CancellationTokenSource cancel) : TestChatClient
    {
        protected override async Task<ChatResponse> RespondAsync(IReadOnlyList<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
        {
            await cancel.CancelAsync();
            await Task.Delay(TimeSpan.FromSeconds(30), cancellationToken);
            return Reply("late");
        }
    }

    /// <summary>Streams two chunks, the first 100 ms after the call and the second 200 ms after that.</summary>
    private sealed class ChunkedProvider(FakeTimeProvider time) : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException("This provider only streams.");

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
            IEnumerable<ChatMessage> messages, ChatOptions? options = null, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            time.Advance(TimeSpan.FromMilliseconds(100));
            yield return new ChatResponseUpdate(ChatRole.Assistant, "Hel");
            time.Advance(TimeSpan.FromMilliseconds(200));
            yield return new ChatResponseUpdate(ChatRole.Assistant, "lo") { FinishReason = ChatFinishReason.Stop };
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }

    private sealed class FailingEndMiddleware : WorkflowMiddleware
    {
        public override ValueTask OnWorkflowEndAsync(MiddlewareContext context, WorkflowResult result, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("audit store down");
    }
}
