using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Workflows;

/// <summary>
/// Runs workflows step by step: status transitions, data passing between steps, error attribution, timeout and
/// cancellation, token and cost accounting. One engine serves any number of concurrent runs.
/// </summary>
/// <remarks>
/// Without a host, create it directly (<c>new WorkflowEngine(chatClient)</c>, any Microsoft.Extensions.AI
/// <see cref="IChatClient"/>, for example a <see cref="MockChatClient"/>); with a host,
/// <c>services.AddGenAiWorkflows(...)</c> registers it as <see cref="IWorkflowEngine"/>. Disposing an engine that
/// created its own provider registry cleans up the providers.
/// </remarks>
public sealed class WorkflowEngine : IWorkflowEngine, IAsyncDisposable, IDisposable
{
    /// <summary>The name a provider passed to <see cref="WorkflowEngine(IChatClient, GenAiWorkflowOptions?)"/> is registered under.</summary>
    public const string DefaultProviderName = "default";

    private readonly GenAiWorkflowOptions _options;
    private readonly IServiceScopeFactory? _scopeFactory;
    private readonly WorkflowCatalog _catalog;
    private readonly TimeProvider _timeProvider;
    private readonly PriceTable _prices;
    private readonly ILogger _logger;
    private readonly ILoggerFactory _loggerFactory;
    private readonly WorkflowInstrumentation _instrumentation;
    private readonly bool _ownsProviders;
    private readonly string _defaultProvider;
    private readonly ILogger _middlewareLogger;
    private readonly Lock _middlewareGate = new();
    private volatile WorkflowMiddleware[] _middleware;

    /// <summary>Initializes a new instance of the <see cref="WorkflowEngine"/> class with only the built-in mock provider.</summary>
    public WorkflowEngine()
        : this(new ProviderRegistry(), options: null, ownsProviders: true)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="WorkflowEngine"/> class that calls one chat client by default.</summary>
    /// <param name="defaultProvider">Any Microsoft.Extensions.AI chat client, registered as <c>default</c> and used by steps that name none.</param>
    /// <param name="options">The settings; defaults when <see langword="null"/>.</param>
    public WorkflowEngine(IChatClient defaultProvider, GenAiWorkflowOptions? options = null)
        : this(
            new ProviderRegistry().Register(DefaultProviderName, defaultProvider),
            options,
            ownsProviders: true)
    {
        // The caller's options are left as they are; only this engine treats "default" as the default provider.
        _defaultProvider = DefaultProviderName;
    }

    /// <summary>Initializes a new instance of the <see cref="WorkflowEngine"/> class.</summary>
    /// <param name="providers">The providers steps may call.</param>
    /// <param name="options">The settings; defaults when <see langword="null"/>.</param>
    /// <param name="loggerFactory">The logger factory; no logging when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock for timestamps, durations and timeouts; the system clock when <see langword="null"/>.</param>
    public WorkflowEngine(
        ProviderRegistry providers,
        GenAiWorkflowOptions? options = null,
        ILoggerFactory? loggerFactory = null,
        TimeProvider? timeProvider = null)
        : this(providers, options, ownsProviders: true, loggerFactory: loggerFactory, timeProvider: timeProvider)
    {
    }

    internal WorkflowEngine(
        ProviderRegistry providers,
        GenAiWorkflowOptions? options,
        bool ownsProviders,
        IServiceScopeFactory? scopeFactory = null,
        WorkflowCatalog? catalog = null,
        ILoggerFactory? loggerFactory = null,
        TimeProvider? timeProvider = null,
        IMeterFactory? meterFactory = null,
        IEnumerable<WorkflowMiddleware>? middleware = null,
        SecretRedactor? redactor = null)
    {
        ArgumentNullException.ThrowIfNull(providers);
        Providers = providers;
        _options = options ?? new GenAiWorkflowOptions();
        _defaultProvider = _options.DefaultProvider;
        _ownsProviders = ownsProviders;
        _scopeFactory = scopeFactory;
        _catalog = catalog ?? new WorkflowCatalog();
        _timeProvider = timeProvider ?? TimeProvider.System;
        _prices = new PriceTable(_options.Pricing);
        _instrumentation = new WorkflowInstrumentation(meterFactory, WorkflowInstrumentation.ShouldCaptureMessageContent(_options.CaptureMessageContent), redactor);
        loggerFactory ??= NullLoggerFactory.Instance;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger("Workflows.Engine");
        StepLogger = loggerFactory.CreateLogger("Workflows.Steps");
        _middlewareLogger = loggerFactory.CreateLogger("Workflows.Middleware");
        SafetyLogger = loggerFactory.CreateLogger("Workflows.Safety");
        _middleware = middleware?.ToArray() ?? [];
        if (catalog is null)
        {
            foreach (var (_, workflow, error) in WorkflowDefinition.BuildAll(_options.Workflows, resolveStepType: null))
            {
                _catalog.Add(workflow ?? throw error!);
            }
        }
    }

    /// <summary>Gets the providers this engine calls.</summary>
    public ProviderRegistry Providers { get; }

    internal ILogger StepLogger { get; }

    /// <summary>Gets the logger of the safety guardrails (category <c>Workflows.Safety</c>).</summary>
    internal ILogger SafetyLogger { get; }

    /// <summary>Gets the engine's spans and instruments, which the safety guardrails record on.</summary>
    internal WorkflowInstrumentation Instrumentation => _instrumentation;

    /// <summary>
    /// Appends a middleware; hooks run in registration order (middleware registered in the container come first).
    /// Runs already started keep the middleware they started with.
    /// </summary>
    /// <param name="middleware">The middleware.</param>
    /// <returns>This engine, for chaining.</returns>
    public WorkflowEngine Use(WorkflowMiddleware middleware)
    {
        ArgumentNullException.ThrowIfNull(middleware);
        lock (_middlewareGate)
        {
            _middleware = [.. _middleware, middleware];
        }

        return this;
    }

    /// <summary>Registers a workflow so it can be run by name.</summary>
    /// <param name="workflow">The workflow.</param>
    /// <returns>This engine, for chaining.</returns>
    /// <exception cref="WorkflowException">A workflow of that name is already registered.</exception>
    public WorkflowEngine AddWorkflow(Workflow workflow)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        _catalog.Add(workflow);
        return this;
    }

    /// <inheritdoc />
    public Task<WorkflowResult> ExecuteAsync(
        string workflowName,
        IReadOnlyDictionary<string, object?>? inputs = null,
        WorkflowRunOptions? options = null,
        CancellationToken cancellationToken = default) =>
        ExecuteAsync(_catalog.Get(workflowName), inputs, options, cancellationToken);

    /// <inheritdoc />
    public WorkflowResult Execute(string workflowName, IReadOnlyDictionary<string, object?>? inputs = null, TimeSpan? timeout = null) =>
        Execute(_catalog.Get(workflowName), inputs, timeout);

    /// <inheritdoc />
    public WorkflowResult Execute(Workflow workflow, IReadOnlyDictionary<string, object?>? inputs = null, TimeSpan? timeout = null)
    {
        // ExecuteAsync checks the arguments (a null workflow is its ArgumentNullException, rethrown here).
        var options = new WorkflowRunOptions { Timeout = timeout };

        // The run goes to the thread pool, where no SynchronizationContext can be captured, so blocking here cannot deadlock.
        return Task.Run(() => ExecuteAsync(workflow, inputs, options, CancellationToken.None)).GetAwaiter().GetResult();
    }

    /// <inheritdoc />
    public Task<WorkflowResult> ExecuteAsync(
        Workflow workflow,
        IReadOnlyDictionary<string, object?>? inputs = null,
        WorkflowRunOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        return RunAsync(workflow, inputs, options, RunTimeout(options), events: null, cancellationToken);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<WorkflowEvent> StreamAsync(
        string workflowName,
        IReadOnlyDictionary<string, object?>? inputs = null,
        WorkflowRunOptions? options = null,
        CancellationToken cancellationToken = default) =>
        StreamAsync(_catalog.Get(workflowName), inputs, options, cancellationToken);

    /// <inheritdoc />
    public IAsyncEnumerable<WorkflowEvent> StreamAsync(
        Workflow workflow,
        IReadOnlyDictionary<string, object?>? inputs = null,
        WorkflowRunOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        return StreamCoreAsync(workflow, inputs, options, RunTimeout(options), cancellationToken);
    }

    private TimeSpan RunTimeout(WorkflowRunOptions? options)
    {
        var timeout = options?.Timeout ?? _options.RunTimeout;
        if (timeout <= TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(options), timeout, "A run timeout must be positive (or Timeout.InfiniteTimeSpan for none).");
        }

        return timeout;
    }

    private async IAsyncEnumerable<WorkflowEvent> StreamCoreAsync(
        Workflow workflow,
        IReadOnlyDictionary<string, object?>? inputs,
        WorkflowRunOptions? options,
        TimeSpan timeout,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Unbounded: a run never waits for its consumer; events are small and a run makes few of them per step.
        // Several writers: the branches of a parallel group or map write their events concurrently.
        var channel = Channel.CreateUnbounded<WorkflowEvent>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });
        using var consumer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var run = Task.Run(
            async () =>
            {
                try
                {
                    await RunAsync(workflow, inputs, options, timeout, e => channel.Writer.TryWrite(e), consumer.Token).ConfigureAwait(false);
                    channel.Writer.TryComplete();
                }
                catch (Exception ex)
                {
                    channel.Writer.TryComplete(ex);
                }
            },
            CancellationToken.None);
        try
        {
            // Read to the end even after cancellation: the run then still ends with its RunCompletedEvent.
            await foreach (var item in channel.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
            {
                yield return item;
            }
        }
        finally
        {
            if (!run.IsCompleted)
            {
                // The consumer stopped enumerating: cancel the run and let it end (end hooks, telemetry) before returning.
                await consumer.CancelAsync().ConfigureAwait(false);
            }

            await run.ConfigureAwait(false);
        }
    }

    private async Task<WorkflowResult> RunAsync(
        Workflow workflow,
        IReadOnlyDictionary<string, object?>? inputs,
        WorkflowRunOptions? options,
        TimeSpan timeout,
        Action<WorkflowEvent>? events,
        CancellationToken cancellationToken)
    {
        var correlationId = options?.CorrelationId ?? CurrentTraceId() ?? Guid.NewGuid().ToString("N");
        await using var scope = _scopeFactory?.CreateAsyncScope();
        using var timeoutSource = new CancellationTokenSource(timeout, _timeProvider);
        using var runSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        var run = new WorkflowRun(this, workflow, correlationId, inputs, scope?.ServiceProvider ?? EmptyServiceProvider.Instance, _options)
        {
            Middleware = _middleware is { Length: > 0 } middleware ? new MiddlewarePipeline(middleware, _middlewareLogger) : MiddlewarePipeline.Empty,
            Budget = BudgetGuard.Create(options, workflow, _options, _prices),
            Events = events,
            CallerToken = cancellationToken,
            RunToken = runSource.Token,
        };

        using var logScope = _logger.BeginScope(new RunScope(workflow.Name, run.WorkflowId, correlationId));

        var runActivity = WorkflowInstrumentation.StartRun(run);
        run.Activity = runActivity;
        var startedAt = _timeProvider.GetUtcNow();
        var startTimestamp = _timeProvider.GetTimestamp();
        _logger.RunStatusChanged(workflow.Name, run.WorkflowId, WorkflowStatus.Pending, WorkflowStatus.Running, 0, correlationId);
        events?.Invoke(new RunStartedEvent { WorkflowName = workflow.Name, WorkflowId = run.WorkflowId, Timestamp = startedAt, CorrelationId = correlationId });

        var frame = StepFrame.ForRun(run, runSource.Token);
        var status = WorkflowStatus.Running;
        ErrorInfo? runError = null;
        object? output = null;

        var runContext = new MiddlewareContext(run);
        if (!run.Middleware.IsEmpty)
        {
            try
            {
                await run.Middleware.OnWorkflowStartAsync(runContext, runSource.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (runSource.IsCancellationRequested)
            {
                (status, runError) = Interruption(frame, stepPath: null, stepType: null);
            }
            catch (Exception ex) when (ex is MiddlewareAbortedException or MiddlewareFailedException)
            {
                status = WorkflowStatus.Failed;
                runError = Classify(ex, stepName: null, stepType: null, pluginType: null);
            }
        }

        if (status == WorkflowStatus.Running)
        {
            var outcome = await RunSequenceAsync(frame, workflow.Steps).ConfigureAwait(false);
            (status, runError, output) = (outcome.Status, outcome.Error, outcome.Output);
        }

        var stepResults = frame.Results;
        var completedAt = _timeProvider.GetUtcNow();
        var duration = _timeProvider.GetElapsedTime(startTimestamp);
        _logger.RunStatusChanged(workflow.Name, run.WorkflowId, WorkflowStatus.Running, status, duration.TotalMilliseconds, correlationId);
        if (runError is not null)
        {
            _logger.RunEndedWithError(workflow.Name, run.WorkflowId, status, runError.Kind, runError.StepPath, runError.Message);
        }

        _instrumentation.EndRun(runActivity, run, status, runError, duration);

        var workflowResult = new WorkflowResult
        {
            WorkflowName = workflow.Name,
            WorkflowId = run.WorkflowId,
            CorrelationId = correlationId,
            Status = status,
            Output = output,
            Steps = stepResults.AsReadOnly(),
            Error = runError,
            Metrics = new ExecutionMetrics
            {
                StartedAt = startedAt,
                CompletedAt = completedAt,
                Duration = duration,
                TotalUsage = run.Usage.Total,
                TotalCost = run.Usage.TotalCost,
                LlmCalls = run.Usage.CallCount,
                StepsCompleted = stepResults.Count(static s => s.Status == StepStatus.Completed),
                StepsFailed = stepResults.Count(static s => s.Status != StepStatus.Completed),
                Steps = [.. stepResults.Select(static s => new StepMetrics(s.StepName, s.StartedAt, s.CompletedAt, s.Duration, s.Usage, s.Cost) { Path = s.Path })],
            },
        };

        if (!run.Middleware.IsEmpty)
        {
            await run.Middleware.OnWorkflowEndAsync(runContext, workflowResult, CancellationToken.None).ConfigureAwait(false);
        }

        events?.Invoke(new RunCompletedEvent
        {
            WorkflowName = workflow.Name,
            WorkflowId = run.WorkflowId,
            Timestamp = _timeProvider.GetUtcNow(),
            Result = workflowResult,
        });
        return workflowResult;
    }

    /// <summary>Records which branch a route took: a log event and its span's <c>workflows.route.selected</c> attribute.</summary>
    internal void RouteSelected(StepContext context, string label)
    {
        _logger.RouteSelected(context.StepName, context.StepPath, label);
        context.Step.Activity?.SetTag(TelemetryNames.Attributes.RouteSelected, label);
    }

    internal void LoopExhausted(StepContext context, int maxIterations) =>
        _logger.LoopExhausted(context.StepName, context.StepPath, maxIterations);

    /// <summary>Cleans up the providers, when this engine created their registry.</summary>
    /// <returns>A task that completes when the providers are cleaned up.</returns>
    public async ValueTask DisposeAsync()
    {
        _instrumentation.Dispose();
        if (_ownsProviders)
        {
            await Providers.CleanupAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Cleans up the providers, when this engine created their registry, blocking until done. Lets a container that is
    /// disposed synchronously (<c>using var provider = services.BuildServiceProvider()</c>) dispose the engine.
    /// </summary>
    public void Dispose() =>
        Task.Run(() => DisposeAsync().AsTask()).GetAwaiter().GetResult();

    /// <summary>One model call of a step: provider lookup, model resolution, then one metered round or the tool loop over metered rounds.</summary>
    internal async Task<ChatResponse> GetResponseAsync(
        WorkflowRun run, StepAccumulator step, ModelRequest request, string? providerName, CancellationToken cancellationToken)
    {
        var name = string.IsNullOrWhiteSpace(providerName) ? _defaultProvider : providerName;
        var provider = await Providers.GetInitializedAsync(name, cancellationToken).ConfigureAwait(false);
        var info = ProviderInfo.Of(provider, name);
        var options = request.Options.Clone();
        if (string.IsNullOrWhiteSpace(options.ModelId))
        {
            options.ModelId = Providers.GetDefaultModel(name) ?? info.DefaultModelId ?? _options.DefaultModel;
        }

        request = request with { Options = options };
        ChatResponse response;
        if (options.Tools is { Count: > 0 })
        {
            using var loop = new FunctionInvokingChatClient(
                new MeteredChatClient(this, run, step, name, provider, info, request.MaxToolRounds), _loggerFactory, run.Services)
            {
                MaximumIterationsPerRequest = request.MaxToolRounds,
                MaximumConsecutiveErrorsPerRequest = 0,
                FunctionInvoker = (invocation, token) => InvokeToolAsync(step.Step.Name, invocation, token),
            };
            response = await loop.GetResponseAsync(request.Messages, request.Options, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            response = await CallModelAsync(run, step, name, provider, info, request, cancellationToken).ConfigureAwait(false);
        }

        if (Refusal(response) is { } refusal)
        {
            var model = response.ModelId ?? options.ModelId!;
            _logger.ModelRefused(step.Step.Name, name, model);
            throw new ModelRefusalException(step.Step.Name, model, refusal);
        }

        return response;
    }

    /// <summary>
    /// One round: middleware before, value checks, budget, span, the provider (streamed when the run is), usage and cost,
    /// middleware after.
    /// </summary>
    internal async Task<ChatResponse> CallModelAsync(
        WorkflowRun run, StepAccumulator step, string name, IChatClient provider, ProviderInfo info, ModelRequest request, CancellationToken cancellationToken)
    {
        var stepName = step.Step.Name;
        var hookContext = run.Middleware.IsEmpty ? null : new MiddlewareContext(run, stepName, name, step.Path, step.Variables);
        if (hookContext is not null)
        {
            var requestedModel = request.Options.ModelId;
            request = await run.Middleware.BeforeLlmCallAsync(hookContext, request, cancellationToken).ConfigureAwait(false);
            if (string.IsNullOrWhiteSpace(request.Options.ModelId))
            {
                request = request with { Options = WithModel(request.Options, requestedModel) };
            }
        }

        ModelRequestValues.Check(request.Options, stepName);
        var model = request.Options.ModelId!;
        // Only a budget reads the estimate (and the reservation recorded below), so runs without one skip the pass over the text.
        var inputEstimate = run.Budget is null ? 0 : BudgetGuard.EstimateInputTokens(request.Messages);
        BudgetReservation reservation = default;
        if (run.Budget is { } budget)
        {
            try
            {
                reservation = budget.Reserve(run.Usage, model, inputEstimate, request.Options.MaxOutputTokens);
            }
            catch (BudgetExceededException ex)
            {
                _logger.BudgetExceeded(run.Workflow.Name, run.WorkflowId, step.Path, ex.Message);
                throw;
            }
        }

        try
        {
            return await CallReservedModelAsync(run, step, name, provider, info, request, hookContext, inputEstimate, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // After the call's usage is recorded (or it failed), so spend plus reservations never counts short.
            run.Budget?.Release(reservation);
        }
    }

    private async Task<ChatResponse> CallReservedModelAsync(
        WorkflowRun run, StepAccumulator step, string name, IChatClient provider, ProviderInfo info, ModelRequest request,
        MiddlewareContext? hookContext, long inputEstimate, CancellationToken cancellationToken)
    {
        var stepName = step.Step.Name;
        var model = request.Options.ModelId!;
        if (_logger.IsEnabled(LogLevel.Trace))
        {
            _logger.PromptSent(stepName, request.Prompt);
        }

        // A provider that records the GenAI client spans and metrics itself (an IChatClient with UseOpenTelemetry())
        // must not have them recorded twice; its cost is still counted below.
        var instrumented = !info.RecordsGenAiTelemetry;
        var streamed = run.Events is not null;
        var activity = instrumented ? _instrumentation.StartModelCall(name, info, request, run.CorrelationId, streamed) : null;
        var started = _timeProvider.GetTimestamp();
        ChatResponse response;
        TimeSpan? timeToFirstChunk = null;
        try
        {
            if (run.Events is { } events)
            {
                (response, timeToFirstChunk) = await StreamModelCallAsync(run, step, provider, request, started, events, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                response = await provider.GetResponseAsync(request.Messages, request.Options, cancellationToken).ConfigureAwait(false)
                    ?? throw new ProviderException($"Provider '{name}' ({provider.GetType().FullName}) returned no response.", name);
            }
        }
        catch (Exception ex)
        {
            step.FailedProviderType = provider.GetType();
            var elapsed = _timeProvider.GetElapsedTime(started);
            var cancelled = ex is OperationCanceledException && cancellationToken.IsCancellationRequested;
            var failure = cancelled || ex is FrameworkException ? ex : new ProviderException(
                $"Provider '{name}' ({provider.GetType().FullName}) failed the call for model '{model}': {ex.GetType().Name}: {ex.Message}", name, innerException: ex);
            if (instrumented)
            {
                _instrumentation.FailModelCall(activity, info, model, failure, elapsed);
            }

            if (!cancelled)
            {
                _logger.ModelCallFailed(failure, stepName, name, model, elapsed.TotalMilliseconds);
            }

            if (ReferenceEquals(failure, ex))
            {
                throw;
            }

            throw failure;
        }

        var latency = _timeProvider.GetElapsedTime(started);
        var answeredBy = string.IsNullOrWhiteSpace(response.ModelId) ? model : response.ModelId;
        var usage = TokenUsage.FromUsageDetails(response.Usage);
        var cost = _prices.Estimate(answeredBy, usage);
        if (instrumented)
        {
            _instrumentation.EndModelCall(activity, info, model, response, usage, latency, timeToFirstChunk, cost);
        }
        else
        {
            _instrumentation.RecordCostOnly(info, model, answeredBy, cost);
        }

        step.RecordCall(name, answeredBy);
        run.Usage.Record(stepName, step.Path, answeredBy, usage, cost, run.Budget is null ? 0 : inputEstimate + (request.Options.MaxOutputTokens ?? 0));
        if (_logger.IsEnabled(LogLevel.Information))
        {
            _logger.ModelCallCompleted(
                stepName, name, answeredBy, WorkflowInstrumentation.ToDouble(request.Options.Temperature), request.Options.MaxOutputTokens,
                latency.TotalMilliseconds, response.FinishReason?.Value, usage.InputTokens, usage.OutputTokens);
        }

        if (_logger.IsEnabled(LogLevel.Trace))
        {
            _logger.CompletionReceived(stepName, response.Text);
        }

        if (hookContext is not null)
        {
            response = await run.Middleware.AfterLlmCallAsync(hookContext, request, response, cancellationToken).ConfigureAwait(false);
        }

        return response;
    }

    private async Task<(ChatResponse Response, TimeSpan? TimeToFirstChunk)> StreamModelCallAsync(
        WorkflowRun run, StepAccumulator step, IChatClient provider, ModelRequest request, long started, Action<WorkflowEvent> events,
        CancellationToken cancellationToken)
    {
        var updates = new List<ChatResponseUpdate>();
        TimeSpan? firstChunk = null;
        await foreach (var update in provider.GetStreamingResponseAsync(request.Messages, request.Options, cancellationToken)
                           .WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            firstChunk ??= _timeProvider.GetElapsedTime(started);
            updates.Add(update);
            if (update.Text is { Length: > 0 } text)
            {
                events(new TextDeltaEvent
                {
                    WorkflowName = run.Workflow.Name,
                    WorkflowId = run.WorkflowId,
                    Timestamp = _timeProvider.GetUtcNow(),
                    StepName = step.Step.Name,
                    StepPath = step.Path,
                    Text = text,
                });
            }
        }

        return (updates.ToChatResponse(), firstChunk);
    }

    private static async ValueTask<object?> InvokeToolAsync(string stepName, FunctionInvocationContext invocation, CancellationToken cancellationToken)
    {
        try
        {
            return await invocation.Function.InvokeAsync(invocation.Arguments, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw new ToolException(stepName, invocation.Function.Name, ex);
        }
    }

    private static ChatOptions WithModel(ChatOptions options, string? model)
    {
        var copy = options.Clone();
        copy.ModelId = model;
        return copy;
    }

    /// <summary>The refusal text of a response (Microsoft.Extensions.AI reports one as <see cref="ErrorContent"/> with the code <c>Refusal</c>).</summary>
    private static string? Refusal(ChatResponse response)
    {
        foreach (var message in response.Messages)
        {
            foreach (var content in message.Contents)
            {
                if (content is ErrorContent { ErrorCode: { } code } error && string.Equals(code, "Refusal", StringComparison.OrdinalIgnoreCase))
                {
                    return error.Message;
                }
            }
        }

        return null;
    }

    /// <summary>
    /// Runs steps in order in one frame (a workflow, a sub-workflow, a route's branch, a loop iteration, a map item): a
    /// completed step's output is the sequence's output so far; an interruption or a failure that stops the run ends it.
    /// </summary>
    internal async Task<SequenceOutcome> RunSequenceAsync(StepFrame frame, IReadOnlyList<WorkflowStep> steps)
    {
        object? output = null;
        foreach (var step in steps)
        {
            if (frame.Token.IsCancellationRequested)
            {
                var (status, error) = Interruption(frame, stepPath: null, stepType: null);
                return new SequenceOutcome(status, error, output);
            }

            var result = await RunStepAsync(frame, step, frame.PathOf(step.Name)).ConfigureAwait(false);
            if (result.Status == StepStatus.Completed)
            {
                output = result.Output;
            }
            else if (result.Status is StepStatus.Cancelled or StepStatus.TimedOut)
            {
                return new SequenceOutcome(result.Status == StepStatus.Cancelled ? WorkflowStatus.Cancelled : WorkflowStatus.TimedOut, result.Error, output);
            }
            else if (StopsEnclosing(step, result))
            {
                return new SequenceOutcome(WorkflowStatus.Failed, result.Error, output);
            }
        }

        return new SequenceOutcome(WorkflowStatus.Completed, null, output);
    }

    /// <summary>
    /// Whether a failed step ends what encloses it (its sequence, group, map or run): a critical step's failure does, and
    /// an abort, a critical middleware failure, a budget stop or a guardrail block does whatever the step's criticality.
    /// </summary>
    internal static bool StopsEnclosing(WorkflowStep step, StepResult result) =>
        result.Status != StepStatus.Completed &&
        (step.IsCritical || result.Status is StepStatus.Cancelled or StepStatus.TimedOut ||
         result.Error?.Kind is ErrorKind.Aborted or ErrorKind.MiddlewareFailed or ErrorKind.BudgetExceeded or ErrorKind.GuardrailBlocked);

    /// <summary>
    /// Runs one step at <paramref name="path"/> in <paramref name="frame"/>: its span, events, policies and result. The
    /// result is added to the frame's results, followed by those of the steps it ran inside it (a group's branches).
    /// </summary>
    internal async Task<StepResult> RunStepAsync(StepFrame frame, WorkflowStep step, string path)
    {
        var run = frame.Run;
        var accumulator = new StepAccumulator(step, path, frame.Variables);
        // Only a step that runs others needs a frame for them; a plain step (the hot path) allocates none.
        var inner = step is CompositeStep ? frame.Child(path + "/") : null;
        var context = new StepContext(run, accumulator, inner);
        var activity = WorkflowInstrumentation.StartStep(run, step, path);
        accumulator.Activity = activity;
        var startedAt = _timeProvider.GetUtcNow();
        var startTimestamp = _timeProvider.GetTimestamp();
        _logger.StepStarted(step.Name, step.StepType, path);
        run.Events?.Invoke(new StepStartedEvent
        {
            WorkflowName = run.Workflow.Name,
            WorkflowId = run.WorkflowId,
            Timestamp = startedAt,
            StepName = step.Name,
            StepPath = path,
            StepType = step.StepType,
        });

        StepStatus status;
        object? output = null;
        ErrorInfo? error = null;
        Exception? failure = null;
        try
        {
            output = await ExecuteWithPoliciesAsync(run, step, context, accumulator, frame.Token).ConfigureAwait(false);
            status = StepStatus.Completed;
            frame.Variables.Set(step.Name, output);
        }
        catch (BranchFailedException branch)
        {
            // A step inside this one failed and ended it: this step reports that step's error, which its hooks already saw.
            status = StepStatus.Failed;
            error = branch.Error;
        }
        catch (OperationCanceledException) when (frame.Token.IsCancellationRequested)
        {
            var (runStatus, interruption) = Interruption(frame, path, step.StepType);
            status = runStatus == WorkflowStatus.TimedOut ? StepStatus.TimedOut : StepStatus.Cancelled;
            error = interruption;
        }
        catch (Exception ex)
        {
            status = StepStatus.Failed;
            failure = ex;
            error = Classify(ex, step.Name, step.StepType, accumulator.FailedProviderType ?? PluginTypeOf(step)) with { StepPath = path };
            if (error.Kind == ErrorKind.StepFailed && !run.Middleware.IsEmpty)
            {
                try
                {
                    await run.Middleware.OnStepErrorAsync(new MiddlewareContext(run, step.Name, accumulator.Provider, path, frame.Variables), ex, frame.Token).ConfigureAwait(false);
                }
                catch (Exception hookFailure) when (hookFailure is MiddlewareAbortedException or MiddlewareFailedException)
                {
                    error = Classify(hookFailure, step.Name, step.StepType, pluginType: null) with { StepPath = path };
                }
                catch (OperationCanceledException) when (frame.Token.IsCancellationRequested)
                {
                    // The run is ending anyway; the step keeps its own error.
                }
            }
        }

        var duration = _timeProvider.GetElapsedTime(startTimestamp);
        switch (status)
        {
            case StepStatus.Completed:
                _logger.StepCompleted(step.Name, step.StepType, path, duration.TotalMilliseconds);
                break;
            case StepStatus.Failed when failure is not null:
                _logger.StepFailed(failure, step.Name, step.StepType, path, step.IsCritical, duration.TotalMilliseconds);
                break;
            case StepStatus.Failed:
                _logger.BranchFailed(step.Name, step.StepType, path, error!.StepPath, duration.TotalMilliseconds);
                break;
            default:
                _logger.StepInterrupted(step.Name, step.StepType, path, status, duration.TotalMilliseconds);
                break;
        }

        var (stepUsage, stepCost) = run.Usage.TotalsForPath(path);
        var result = new StepResult
        {
            StepName = step.Name,
            Path = path,
            StepType = step.StepType,
            Status = status,
            IsCritical = step.IsCritical,
            Output = output,
            Error = error,
            Usage = stepUsage,
            Cost = stepCost,
            LlmCalls = accumulator.Calls,
            Model = accumulator.Model,
            Provider = accumulator.Provider,
            Attempts = accumulator.Attempts,
            StartedAt = startedAt,
            CompletedAt = startedAt + duration,
            Duration = duration,
        };
        _instrumentation.EndStep(activity, run, result);
        frame.Results.Add(result);
        if (inner is not null)
        {
            frame.Results.AddRange(inner.Results);
        }
        run.Events?.Invoke(new StepCompletedEvent
        {
            WorkflowName = run.Workflow.Name,
            WorkflowId = run.WorkflowId,
            Timestamp = result.CompletedAt,
            Result = result,
        });
        return result;
    }

    private async Task<object?> ExecuteWithPoliciesAsync(
        WorkflowRun run, WorkflowStep step, StepContext context, StepAccumulator accumulator, CancellationToken runToken)
    {
        using var stepTimeout = step.StepTimeout is { } limit ? new CancellationTokenSource(limit, _timeProvider) : null;
        using var linked = stepTimeout is null ? null : CancellationTokenSource.CreateLinkedTokenSource(runToken, stepTimeout.Token);
        var token = linked?.Token ?? runToken;
        try
        {
            var pipeline = ResolvePipeline(run, step);
            if (pipeline is null)
            {
                return await InvokeStepAsync(step, context, token).ConfigureAwait(false);
            }

            var attempts = 0;
            var outcome = await pipeline.ExecuteAsync(
                async attemptToken =>
                {
                    accumulator.Attempts = ++attempts;
                    if (attempts > 1)
                    {
                        _logger.StepAttemptStarting(step.Name, attempts);
                    }

                    try
                    {
                        return new StepAttempt(await InvokeStepAsync(step, context, attemptToken).ConfigureAwait(false), null);
                    }
                    catch (ProviderException ex) when (!step.RetryProviderErrors)
                    {
                        // Returned, not thrown, so the step's retry policy cannot retry what the provider already retried.
                        return new StepAttempt(null, System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex));
                    }
                },
                token).ConfigureAwait(false);
            outcome.ProviderFailure?.Throw();
            return outcome.Output;
        }
        catch (OperationCanceledException) when (stepTimeout is { IsCancellationRequested: true } && !runToken.IsCancellationRequested)
        {
            throw new TimeoutException(
                $"Step '{step.Name}' exceeded its timeout of {step.StepTimeout!.Value.TotalSeconds:0.###} s after {accumulator.Attempts} attempt(s).");
        }
    }

    private static Polly.ResiliencePipeline? ResolvePipeline(WorkflowRun run, WorkflowStep step)
    {
        if (step.ResiliencePipelineName is not { } name)
        {
            return step.ResiliencePipeline;
        }

        if (run.Services.GetService(typeof(Polly.Registry.ResiliencePipelineProvider<string>)) is not Polly.Registry.ResiliencePipelineProvider<string> pipelines)
        {
            throw new PluginNotFoundException(
                $"Step '{step.Name}' uses the resilience pipeline '{name}', but the engine's container has no resilience pipelines. " +
                $"Register it with services.AddResiliencePipeline(\"{name}\", pipeline => ...) and run the engine from AddGenAiWorkflows.");
        }

        if (!pipelines.TryGetPipeline(name, out var pipeline))
        {
            throw new PluginNotFoundException(
                $"Step '{step.Name}' uses the resilience pipeline '{name}', which is not registered. " +
                $"Register it with services.AddResiliencePipeline(\"{name}\", pipeline => ...).");
        }

        return pipeline;
    }

    private static ErrorInfo Classify(Exception exception, string? stepName, string? stepType, Type? pluginType) => exception switch
    {
        MiddlewareAbortedException { InnerException: GuardrailBlockedException } blocked =>
            ErrorInfo.FromException(blocked, ErrorKind.GuardrailBlocked, stepName, stepType, blocked.MiddlewareType),
        MiddlewareAbortedException aborted => ErrorInfo.FromException(aborted, ErrorKind.Aborted, stepName, stepType, aborted.MiddlewareType),
        MiddlewareFailedException failed => ErrorInfo.FromException(failed, ErrorKind.MiddlewareFailed, stepName, stepType, failed.MiddlewareType),
        GuardrailBlockedException blocked => ErrorInfo.FromException(blocked, ErrorKind.GuardrailBlocked, stepName, stepType, pluginType),
        AbortException abort => ErrorInfo.FromException(abort, ErrorKind.Aborted, stepName, stepType, pluginType),
        BudgetExceededException budget => ErrorInfo.FromException(budget, ErrorKind.BudgetExceeded, stepName, stepType),
        ModelRefusalException refusal => ErrorInfo.FromException(refusal, ErrorKind.Refused, stepName, stepType, pluginType),
        ToolException tool => ErrorInfo.FromException(tool, ErrorKind.ToolFailed, stepName, stepType, pluginType),
        StructuredOutputException output => ErrorInfo.FromException(output, ErrorKind.InvalidOutput, stepName, stepType, pluginType),
        _ => ErrorInfo.FromException(exception, ErrorKind.StepFailed, stepName, stepType, pluginType),
    };

    private static async Task<object?> InvokeStepAsync(WorkflowStep step, StepContext context, CancellationToken runToken)
    {
        if (step is CompositeStep)
        {
            // Awaited to its end, never abandoned: the steps inside stop promptly on the token and their results must be kept.
            return await step.ExecuteAsync(context, runToken).ConfigureAwait(false);
        }

        // On the thread pool, so that a step that blocks synchronously cannot hold the run past its timeout:
        // the run stops waiting when the token fires and the abandoned step's outcome is observed and dropped.
        var execution = Task.Run(() => step.ExecuteAsync(context, runToken).AsTask(), CancellationToken.None);
        try
        {
            return await execution.WaitAsync(runToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (runToken.IsCancellationRequested && !execution.IsCompleted)
        {
            _ = execution.ContinueWith(
                static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            throw;
        }
    }

    private static Type? PluginTypeOf(WorkflowStep step) => step switch
    {
        ServiceStep service => service.ImplementationType,
        LlmStep or TransformStep => null,
        _ => step.GetType(),
    };

    /// <summary>
    /// What stopped a frame: the caller's cancellation, the run's timeout, or (inside a parallel group or map) the failure
    /// of a sibling branch, which cancels the group.
    /// </summary>
    private static (WorkflowStatus Status, ErrorInfo Error) Interruption(StepFrame frame, string? stepPath, string? stepType)
    {
        if (frame.Run.CallerToken.IsCancellationRequested)
        {
            return (WorkflowStatus.Cancelled, Error(
                stepPath is null ? "The run was cancelled by the caller." : $"The run was cancelled by the caller during step '{stepPath}'.",
                typeof(OperationCanceledException), ErrorKind.Cancelled));
        }

        if (frame.Run.RunToken.IsCancellationRequested)
        {
            return (WorkflowStatus.TimedOut, Error(
                stepPath is null ? "The run's timeout elapsed." : $"The run's timeout elapsed during step '{stepPath}'.",
                typeof(TimeoutException), ErrorKind.TimedOut));
        }

        var reason = frame.CancelReason ?? "the step enclosing it was stopped by its own timeout";
        return (WorkflowStatus.Cancelled, Error(
            stepPath is null ? $"Not run: {reason}." : $"Step '{stepPath}' was cancelled: {reason}.", typeof(OperationCanceledException), ErrorKind.Cancelled));

        ErrorInfo Error(string message, Type exceptionType, ErrorKind kind) => new()
        {
            Message = message,
            ExceptionType = exceptionType.FullName!,
            Kind = kind,
            StepName = stepPath is null ? null : StepNames.LastSegment(stepPath),
            StepPath = stepPath,
            StepType = stepType,
        };
    }

    private static string? CurrentTraceId()
    {
        var activity = Activity.Current;
        return activity is null || activity.TraceId == default ? null : activity.TraceId.ToHexString();
    }

    internal readonly record struct SequenceOutcome(WorkflowStatus Status, ErrorInfo? Error, object? Output);

    private readonly record struct StepAttempt(object? Output, System.Runtime.ExceptionServices.ExceptionDispatchInfo? ProviderFailure);

    /// <summary>The log scope of a run: its name, id and correlation id as structured state.</summary>
    private sealed class RunScope(string workflowName, string workflowId, string correlationId) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public int Count => 3;

        public KeyValuePair<string, object?> this[int index] => index switch
        {
            0 => new("WorkflowName", workflowName),
            1 => new("WorkflowId", workflowId),
            2 => new("CorrelationId", correlationId),
            _ => throw new ArgumentOutOfRangeException(nameof(index)),
        };

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
        {
            for (var i = 0; i < Count; i++)
            {
                yield return this[i];
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => $"Workflow {workflowName} run {workflowId} (correlation {correlationId})";
    }
}
