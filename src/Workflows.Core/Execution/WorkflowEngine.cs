using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Workflows;

/// <summary>
/// Runs workflows step by step: status transitions, data passing between steps, error attribution, timeout and
/// cancellation, token and cost accounting. One engine serves any number of concurrent runs.
/// </summary>
/// <remarks>
/// Without a host, create it directly (<c>new WorkflowEngine(new MockLlmProvider())</c>); with a host,
/// <c>services.AddGenAiWorkflows(...)</c> registers it as <see cref="IWorkflowEngine"/>. Disposing an engine that
/// created its own provider registry cleans up the providers.
/// </remarks>
public sealed class WorkflowEngine : IWorkflowEngine, IAsyncDisposable, IDisposable
{
    /// <summary>The name a provider passed to <see cref="WorkflowEngine(LlmProvider, GenAiWorkflowOptions?)"/> is registered under.</summary>
    public const string DefaultProviderName = "default";

    private readonly GenAiWorkflowOptions _options;
    private readonly IServiceScopeFactory? _scopeFactory;
    private readonly WorkflowCatalog _catalog;
    private readonly TimeProvider _timeProvider;
    private readonly PriceTable _prices;
    private readonly ILogger _logger;
    private readonly WorkflowInstrumentation _instrumentation;
    private readonly bool _ownsProviders;

    /// <summary>Initializes a new instance of the <see cref="WorkflowEngine"/> class with only the built-in mock provider.</summary>
    public WorkflowEngine()
        : this(new LlmProviderRegistry(), options: null, ownsProviders: true)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="WorkflowEngine"/> class that calls one provider by default.</summary>
    /// <param name="defaultProvider">The provider, registered as <c>default</c> and used by steps that name none.</param>
    /// <param name="options">The settings; defaults when <see langword="null"/>.</param>
    public WorkflowEngine(LlmProvider defaultProvider, GenAiWorkflowOptions? options = null)
        : this(
            new LlmProviderRegistry().Register(DefaultProviderName, defaultProvider),
            WithDefaultProvider(options ?? new GenAiWorkflowOptions(), DefaultProviderName),
            ownsProviders: true)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="WorkflowEngine"/> class.</summary>
    /// <param name="providers">The providers steps may call.</param>
    /// <param name="options">The settings; defaults when <see langword="null"/>.</param>
    /// <param name="loggerFactory">The logger factory; no logging when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock for timestamps, durations and timeouts; the system clock when <see langword="null"/>.</param>
    public WorkflowEngine(
        LlmProviderRegistry providers,
        GenAiWorkflowOptions? options = null,
        ILoggerFactory? loggerFactory = null,
        TimeProvider? timeProvider = null)
        : this(providers, options, ownsProviders: true, loggerFactory: loggerFactory, timeProvider: timeProvider)
    {
    }

    internal WorkflowEngine(
        LlmProviderRegistry providers,
        GenAiWorkflowOptions? options,
        bool ownsProviders,
        IServiceScopeFactory? scopeFactory = null,
        WorkflowCatalog? catalog = null,
        ILoggerFactory? loggerFactory = null,
        TimeProvider? timeProvider = null,
        IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(providers);
        Providers = providers;
        _options = options ?? new GenAiWorkflowOptions();
        _ownsProviders = ownsProviders;
        _scopeFactory = scopeFactory;
        _catalog = catalog ?? new WorkflowCatalog();
        _timeProvider = timeProvider ?? TimeProvider.System;
        _prices = new PriceTable(_options.Pricing);
        _instrumentation = new WorkflowInstrumentation(meterFactory, WorkflowInstrumentation.ShouldCaptureMessageContent(_options.CaptureMessageContent));
        loggerFactory ??= NullLoggerFactory.Instance;
        _logger = loggerFactory.CreateLogger("Workflows.Engine");
        StepLogger = loggerFactory.CreateLogger("Workflows.Steps");
    }

    /// <summary>Gets the providers this engine calls.</summary>
    public LlmProviderRegistry Providers { get; }

    internal ILogger StepLogger { get; }

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
        ArgumentNullException.ThrowIfNull(workflow);
        var options = timeout is null ? null : new WorkflowRunOptions { Timeout = timeout };

        // The run goes to the thread pool, where no SynchronizationContext can be captured, so blocking here cannot deadlock.
        return Task.Run(() => ExecuteAsync(workflow, inputs, options, CancellationToken.None)).GetAwaiter().GetResult();
    }

    /// <inheritdoc />
    public async Task<WorkflowResult> ExecuteAsync(
        Workflow workflow,
        IReadOnlyDictionary<string, object?>? inputs = null,
        WorkflowRunOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        var timeout = options?.Timeout ?? _options.RunTimeout;
        if (timeout <= TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(options), timeout, "A run timeout must be positive (or Timeout.InfiniteTimeSpan for none).");
        }

        var correlationId = options?.CorrelationId ?? CurrentTraceId() ?? Guid.NewGuid().ToString("N");
        await using var scope = _scopeFactory?.CreateAsyncScope();
        var run = new WorkflowRun(this, workflow, correlationId, inputs, scope?.ServiceProvider ?? EmptyServiceProvider.Instance, _options);

        using var timeoutSource = new CancellationTokenSource(timeout, _timeProvider);
        using var runSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        using var logScope = _logger.BeginScope(new RunScope(workflow.Name, run.WorkflowId, correlationId));

        var runActivity = WorkflowInstrumentation.StartRun(run);
        var startedAt = _timeProvider.GetUtcNow();
        var startTimestamp = _timeProvider.GetTimestamp();
        _logger.RunStatusChanged(workflow.Name, run.WorkflowId, WorkflowStatus.Pending, WorkflowStatus.Running, 0, correlationId);

        var stepResults = new List<StepResult>(workflow.Steps.Count);
        var status = WorkflowStatus.Running;
        ErrorInfo? runError = null;
        object? output = null;

        foreach (var step in workflow.Steps)
        {
            if (runSource.IsCancellationRequested)
            {
                (status, runError) = Interruption(stepName: null, stepType: null, cancellationToken);
                break;
            }

            var result = await RunStepAsync(run, step, runSource.Token, cancellationToken).ConfigureAwait(false);
            stepResults.Add(result);
            if (result.Status == StepStatus.Completed)
            {
                output = result.Output;
                continue;
            }

            if (result.Status is StepStatus.Cancelled or StepStatus.TimedOut)
            {
                status = result.Status == StepStatus.Cancelled ? WorkflowStatus.Cancelled : WorkflowStatus.TimedOut;
                runError = result.Error;
                break;
            }

            if (step.IsCritical)
            {
                status = WorkflowStatus.Failed;
                runError = result.Error;
                break;
            }
        }

        if (status == WorkflowStatus.Running)
        {
            status = WorkflowStatus.Completed;
        }

        var completedAt = _timeProvider.GetUtcNow();
        var duration = _timeProvider.GetElapsedTime(startTimestamp);
        _logger.RunStatusChanged(workflow.Name, run.WorkflowId, WorkflowStatus.Running, status, duration.TotalMilliseconds, correlationId);
        if (runError is not null)
        {
            _logger.RunEndedWithError(workflow.Name, run.WorkflowId, status, runError.Kind, runError.StepName, runError.Message);
        }

        _instrumentation.EndRun(runActivity, run, status, runError, duration);

        return new WorkflowResult
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
                Steps = [.. stepResults.Select(static s => new StepMetrics(s.StepName, s.StartedAt, s.CompletedAt, s.Duration, s.Usage, s.Cost))],
            },
        };
    }

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

    internal async Task<LlmResponse> CompleteAsync(
        WorkflowRun run, StepAccumulator step, LlmRequest request, string? providerName, CancellationToken cancellationToken)
    {
        var name = string.IsNullOrWhiteSpace(providerName) ? run.Options.DefaultProvider : providerName;
        var provider = await Providers.GetInitializedAsync(name, cancellationToken).ConfigureAwait(false);
        if (_logger.IsEnabled(LogLevel.Trace))
        {
            _logger.PromptSent(step.Step.Name, request.Prompt);
        }

        var activity = _instrumentation.StartModelCall(name, provider, request);
        var started = _timeProvider.GetTimestamp();
        LlmResponse response;
        try
        {
            response = await provider.CompleteAsync(request, cancellationToken).ConfigureAwait(false)
                ?? throw new ProviderException($"Provider '{name}' ({provider.GetType().FullName}) returned no response.", name);
        }
        catch (Exception ex)
        {
            var elapsed = _timeProvider.GetElapsedTime(started);
            _instrumentation.FailModelCall(activity, provider, request, ex, elapsed);
            if (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                _logger.ModelCallFailed(ex, step.Step.Name, name, request.Model, elapsed.TotalMilliseconds);
            }

            throw;
        }

        var latency = _timeProvider.GetElapsedTime(started);
        var model = response.Model ?? request.Model;
        var cost = _prices.Estimate(model, response.Usage);
        _instrumentation.EndModelCall(activity, provider, request, response, latency, cost);
        step.Record(name, model, response.Usage, cost);
        run.Usage.Record(step.Step.Name, model, response.Usage, cost);
        _logger.ModelCallCompleted(
            step.Step.Name, name, model, request.Temperature, request.MaxTokens, latency.TotalMilliseconds,
            response.FinishReason, response.Usage.InputTokens, response.Usage.OutputTokens);
        if (_logger.IsEnabled(LogLevel.Trace))
        {
            _logger.CompletionReceived(step.Step.Name, response.Content);
        }

        return response;
    }

    private async Task<StepResult> RunStepAsync(WorkflowRun run, WorkflowStep step, CancellationToken runToken, CancellationToken callerToken)
    {
        var accumulator = new StepAccumulator(step);
        var context = new StepContext(run, accumulator);
        var activity = WorkflowInstrumentation.StartStep(run, step);
        var startedAt = _timeProvider.GetUtcNow();
        var startTimestamp = _timeProvider.GetTimestamp();
        _logger.StepStarted(step.Name, step.StepType);

        StepStatus status;
        object? output = null;
        ErrorInfo? error = null;
        Exception? failure = null;
        try
        {
            output = await InvokeStepAsync(step, context, runToken).ConfigureAwait(false);
            status = StepStatus.Completed;
            run.SetOutput(step.Name, output);
        }
        catch (OperationCanceledException) when (runToken.IsCancellationRequested)
        {
            var (runStatus, interruption) = Interruption(step.Name, step.StepType, callerToken);
            status = runStatus == WorkflowStatus.Cancelled ? StepStatus.Cancelled : StepStatus.TimedOut;
            error = interruption;
        }
        catch (Exception ex)
        {
            status = StepStatus.Failed;
            failure = ex;
            error = ErrorInfo.FromException(ex, ErrorKind.StepFailed, step.Name, step.StepType, PluginTypeOf(step));
        }

        var duration = _timeProvider.GetElapsedTime(startTimestamp);
        switch (status)
        {
            case StepStatus.Completed:
                _logger.StepCompleted(step.Name, step.StepType, duration.TotalMilliseconds);
                break;
            case StepStatus.Failed:
                _logger.StepFailed(failure!, step.Name, step.StepType, step.IsCritical, duration.TotalMilliseconds);
                break;
            default:
                _logger.StepInterrupted(step.Name, step.StepType, status, duration.TotalMilliseconds);
                break;
        }

        var result = new StepResult
        {
            StepName = step.Name,
            StepType = step.StepType,
            Status = status,
            IsCritical = step.IsCritical,
            Output = output,
            Error = error,
            Usage = accumulator.Usage,
            Cost = accumulator.Cost,
            LlmCalls = accumulator.Calls,
            Model = accumulator.Model,
            Provider = accumulator.Provider,
            Attempts = accumulator.Attempts,
            StartedAt = startedAt,
            CompletedAt = startedAt + duration,
            Duration = duration,
        };
        _instrumentation.EndStep(activity, run, result);
        return result;
    }

    private static async Task<object?> InvokeStepAsync(WorkflowStep step, StepContext context, CancellationToken runToken)
    {
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

    private static Type? PluginTypeOf(WorkflowStep step) => step is ServiceStep service ? service.ImplementationType : null;

    private static (WorkflowStatus Status, ErrorInfo Error) Interruption(string? stepName, string? stepType, CancellationToken callerToken)
    {
        if (callerToken.IsCancellationRequested)
        {
            return (WorkflowStatus.Cancelled, new ErrorInfo
            {
                Message = stepName is null ? "The run was cancelled by the caller." : $"The run was cancelled by the caller during step '{stepName}'.",
                ExceptionType = typeof(OperationCanceledException).FullName!,
                Kind = ErrorKind.Cancelled,
                StepName = stepName,
                StepType = stepType,
            });
        }

        return (WorkflowStatus.TimedOut, new ErrorInfo
        {
            Message = stepName is null ? "The run's timeout elapsed." : $"The run's timeout elapsed during step '{stepName}'.",
            ExceptionType = typeof(TimeoutException).FullName!,
            Kind = ErrorKind.TimedOut,
            StepName = stepName,
            StepType = stepType,
        });
    }

    private static string? CurrentTraceId()
    {
        var activity = Activity.Current;
        return activity is null || activity.TraceId == default ? null : activity.TraceId.ToHexString();
    }

    private static GenAiWorkflowOptions WithDefaultProvider(GenAiWorkflowOptions options, string providerName)
    {
        options.DefaultProvider = providerName;
        return options;
    }

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
