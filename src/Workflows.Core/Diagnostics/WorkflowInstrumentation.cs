using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json;
using static Workflows.TelemetryNames;

namespace Workflows;

/// <summary>
/// The engine's traces and metrics, following the OpenTelemetry GenAI semantic conventions: an
/// <c>invoke_workflow {name}</c> span per run, a <c>step {name}</c> span per step, a <c>chat {model}</c> client span per
/// model call, and the token, duration, run and cost instruments. Every figure is recorded exactly once, here.
/// </summary>
internal sealed class WorkflowInstrumentation : IDisposable
{
    /// <summary>The bucket boundaries the GenAI conventions advise for <c>gen_ai.client.token.usage</c>.</summary>
    internal static readonly IReadOnlyList<long> TokenUsageBuckets =
        [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];

    /// <summary>The bucket boundaries the GenAI conventions advise for <c>gen_ai.client.operation.duration</c> (seconds).</summary>
    internal static readonly IReadOnlyList<double> OperationDurationBuckets =
        [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];

    /// <summary>The bucket boundaries the GenAI conventions advise for <c>gen_ai.workflow.duration</c> (seconds).</summary>
    internal static readonly IReadOnlyList<double> WorkflowDurationBuckets =
        [1, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200];

    internal static readonly ActivitySource Source = new(WorkflowTelemetry.SourceName);

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly bool _captureMessageContent;

    public WorkflowInstrumentation(IMeterFactory? meterFactory, bool captureMessageContent)
    {
        _captureMessageContent = captureMessageContent;
        if (meterFactory is null)
        {
            _meter = new Meter(WorkflowTelemetry.SourceName);
            _ownsMeter = true;
        }
        else
        {
            _meter = meterFactory.Create(WorkflowTelemetry.SourceName);
        }

        var operationBuckets = new InstrumentAdvice<double> { HistogramBucketBoundaries = OperationDurationBuckets };
        TokenUsage = _meter.CreateHistogram(
            Instruments.TokenUsage, "{token}", "Number of input and output tokens used per model call.",
            tags: null, advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = TokenUsageBuckets });
        OperationDuration = _meter.CreateHistogram(
            Instruments.OperationDuration, "s", "Duration of a model call.", tags: null, advice: operationBuckets);
        WorkflowDuration = _meter.CreateHistogram(
            Instruments.WorkflowDuration, "s", "Duration of a workflow run.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = WorkflowDurationBuckets });
        StepDuration = _meter.CreateHistogram(
            Instruments.StepDuration, "s", "Duration of a workflow step.", tags: null, advice: operationBuckets);
        Runs = _meter.CreateCounter<long>(Instruments.Runs, "{run}", "Workflow runs, by final status.");
        Cost = _meter.CreateCounter<double>(Instruments.Cost, "USD", "Cost of model calls in US dollars (priced calls only).");
    }

    public Histogram<long> TokenUsage { get; }

    public Histogram<double> OperationDuration { get; }

    public Histogram<double> WorkflowDuration { get; }

    public Histogram<double> StepDuration { get; }

    public Counter<long> Runs { get; }

    public Counter<double> Cost { get; }

    public static Activity? StartRun(WorkflowRun run)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        // Sampling-relevant attributes are given at creation, so samplers see them.
        return Source.StartActivity(
            ActivityKind.Internal,
            tags:
            [
                new(Attributes.OperationName, Operations.InvokeWorkflow),
                new(Attributes.WorkflowName, run.Workflow.Name),
                new(Attributes.WorkflowId, run.WorkflowId),
                new(Attributes.CorrelationId, run.CorrelationId),
            ],
            name: $"{Operations.InvokeWorkflow} {run.Workflow.Name}");
    }

    public void EndRun(Activity? activity, WorkflowRun run, WorkflowStatus status, ErrorInfo? error, TimeSpan duration)
    {
        var errorType = error is null ? null : ErrorType(error);
        var statusValue = StatusValue(status);
        if (activity is not null)
        {
            activity.SetTag(Attributes.RunStatus, statusValue);
            if (errorType is not null)
            {
                activity.SetTag(Attributes.ErrorType, errorType);
                activity.SetStatus(ActivityStatusCode.Error, error!.Message);
            }

            activity.Dispose();
        }

        if (WorkflowDuration.Enabled)
        {
            WorkflowDuration.Record(duration.TotalSeconds, Tags((Attributes.WorkflowName, run.Workflow.Name), (Attributes.ErrorType, errorType)));
        }

        if (Runs.Enabled)
        {
            Runs.Add(1, Tags((Attributes.WorkflowName, run.Workflow.Name), (Attributes.RunStatus, statusValue)));
        }
    }

    public static Activity? StartStep(WorkflowRun run, WorkflowStep step)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        return Source.StartActivity(
            ActivityKind.Internal,
            tags:
            [
                new(Attributes.WorkflowName, run.Workflow.Name),
                new(Attributes.WorkflowId, run.WorkflowId),
                new(Attributes.StepName, step.Name),
                new(Attributes.StepType, step.StepType),
                new(Attributes.CorrelationId, run.CorrelationId),
            ],
            name: $"{Operations.Step} {step.Name}");
    }

    public void EndStep(Activity? activity, WorkflowRun run, StepResult result)
    {
        var errorType = result.Error is null ? null : ErrorType(result.Error);
        if (activity is not null)
        {
            activity.SetTag(Attributes.StepStatus, StatusValue(result.Status));
            if (errorType is not null)
            {
                activity.SetTag(Attributes.ErrorType, errorType);
                activity.SetStatus(ActivityStatusCode.Error, result.Error!.Message);
            }

            activity.Dispose();
        }

        if (StepDuration.Enabled)
        {
            StepDuration.Record(
                result.Duration.TotalSeconds,
                Tags((Attributes.WorkflowName, run.Workflow.Name), (Attributes.StepName, result.StepName), (Attributes.ErrorType, errorType)));
        }
    }

    public Activity? StartModelCall(string providerName, LlmProvider provider, LlmRequest request, string correlationId)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var tags = new List<KeyValuePair<string, object?>>(10)
        {
            new(Attributes.OperationName, Operations.Chat),
            new(Attributes.ProviderName, provider.SystemName),
            new(Attributes.RequestModel, request.Model),
        };
        if (provider.Endpoint is { } endpoint)
        {
            tags.Add(new(Attributes.ServerAddress, endpoint.Host));
            tags.Add(new(Attributes.ServerPort, endpoint.Port));
        }

        var activity = Source.StartActivity(ActivityKind.Client, tags: tags, name: $"{Operations.Chat} {request.Model}");
        if (activity is { IsAllDataRequested: true })
        {
            if (request.Temperature is { } temperature)
            {
                activity.SetTag(Attributes.RequestTemperature, temperature);
            }

            if (request.MaxTokens is { } maxTokens)
            {
                activity.SetTag(Attributes.RequestMaxTokens, maxTokens);
            }

            activity.SetTag(Attributes.Provider, providerName);
            activity.SetTag(Attributes.CorrelationId, correlationId);
            if (_captureMessageContent)
            {
                activity.SetTag(Attributes.InputMessages, MessagesJson(request));
            }
        }

        return activity;
    }

    public void EndModelCall(Activity? activity, LlmProvider provider, LlmRequest request, LlmResponse response, TimeSpan latency, CostEstimate cost)
    {
        var responseModel = response.Model ?? request.Model;
        if (activity is not null)
        {
            if (activity.IsAllDataRequested)
            {
                activity.SetTag(Attributes.ResponseModel, responseModel);
                if (response.ResponseId is not null)
                {
                    activity.SetTag(Attributes.ResponseId, response.ResponseId);
                }

                if (response.FinishReason is not null)
                {
                    activity.SetTag(Attributes.ResponseFinishReasons, new[] { response.FinishReason });
                }

                if (_captureMessageContent)
                {
                    activity.SetTag(Attributes.OutputMessages, OutputJson(response));
                }

                activity.SetTag(Attributes.UsageInputTokens, response.Usage.InputTokens);
                activity.SetTag(Attributes.UsageOutputTokens, response.Usage.OutputTokens);
                if (response.Usage.CachedInputTokens is { } cached)
                {
                    activity.SetTag(Attributes.UsageCacheReadInputTokens, cached);
                }

                if (response.Usage.ReasoningTokens is { } reasoning)
                {
                    activity.SetTag(Attributes.UsageReasoningOutputTokens, reasoning);
                }
            }

            activity.Dispose();
        }

        var tags = ModelTags(provider, request.Model, responseModel, errorType: null);
        if (OperationDuration.Enabled)
        {
            OperationDuration.Record(latency.TotalSeconds, tags);
        }

        if (TokenUsage.Enabled)
        {
            var input = tags;
            input.Add(Attributes.TokenType, Values.TokenTypeInput);
            TokenUsage.Record(response.Usage.InputTokens, input);
            var output = tags;
            output.Add(Attributes.TokenType, Values.TokenTypeOutput);
            TokenUsage.Record(response.Usage.OutputTokens, output);
        }

        if (Cost.Enabled && cost.AmountUsd > 0)
        {
            Cost.Add((double)cost.AmountUsd, tags);
        }
    }

    /// <summary>
    /// Records only the cost of a call whose provider records the GenAI client spans and metrics itself (an
    /// IChatClient with UseOpenTelemetry()), so those are not recorded twice.
    /// </summary>
    public void RecordCostOnly(LlmProvider provider, LlmRequest request, LlmResponse response, CostEstimate cost)
    {
        if (Cost.Enabled && cost.AmountUsd > 0)
        {
            Cost.Add((double)cost.AmountUsd, ModelTags(provider, request.Model, response.Model ?? request.Model, errorType: null));
        }
    }

    public void FailModelCall(Activity? activity, LlmProvider provider, LlmRequest request, Exception exception, TimeSpan latency)
    {
        var errorType = ErrorType(exception);
        if (activity is not null)
        {
            activity.SetTag(Attributes.ErrorType, errorType);
            activity.SetStatus(ActivityStatusCode.Error, exception.Message);
            activity.Dispose();
        }

        if (OperationDuration.Enabled)
        {
            OperationDuration.Record(latency.TotalSeconds, ModelTags(provider, request.Model, responseModel: null, errorType));
        }
    }

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }

    /// <summary>Whether message content is captured: the option, or the OpenTelemetry GenAI environment variable set to <c>true</c>.</summary>
    public static bool ShouldCaptureMessageContent(bool option) =>
        option || string.Equals(
            Environment.GetEnvironmentVariable(WorkflowTelemetry.CaptureMessageContentEnvironmentVariable), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The low-cardinality value of a status tag: <c>completed</c>, <c>failed</c>, <c>cancelled</c>, <c>timed_out</c>...</summary>
    internal static string StatusValue(WorkflowStatus status) => status switch
    {
        WorkflowStatus.Pending => "pending",
        WorkflowStatus.Running => "running",
        WorkflowStatus.Completed => "completed",
        WorkflowStatus.Failed => "failed",
        WorkflowStatus.Cancelled => "cancelled",
        WorkflowStatus.TimedOut => "timed_out",
        _ => Values.ErrorOther,
    };

    internal static string StatusValue(StepStatus status) => status switch
    {
        StepStatus.Pending => "pending",
        StepStatus.Running => "running",
        StepStatus.Completed => "completed",
        StepStatus.Failed => "failed",
        StepStatus.Cancelled => "cancelled",
        StepStatus.TimedOut => "timed_out",
        _ => Values.ErrorOther,
    };

    /// <summary>
    /// The <c>error.type</c> of a run or step: <c>timeout</c>, <c>cancelled</c>, or the full name of the exception type
    /// (<c>_OTHER</c> when unknown).
    /// </summary>
    internal static string ErrorType(ErrorInfo error) => error.Kind switch
    {
        ErrorKind.TimedOut => Values.ErrorTimeout,
        ErrorKind.Cancelled => Values.ErrorCancelled,
        _ => string.IsNullOrEmpty(error.ExceptionType) ? Values.ErrorOther : error.ExceptionType,
    };

    /// <summary>The <c>error.type</c> of a failed model call: the full name of the exception type.</summary>
    internal static string ErrorType(Exception exception) => exception.GetType().FullName ?? Values.ErrorOther;

    private static string MessagesJson(LlmRequest request)
    {
        var messages = request.Messages.Select(static m => new Dictionary<string, object>
        {
            ["role"] = m.Role.ToString().ToLowerInvariant(),
            ["parts"] = new[] { new Dictionary<string, string> { ["type"] = "text", ["content"] = m.Content } },
        });
        return JsonSerializer.Serialize(messages);
    }

    private static string OutputJson(LlmResponse response)
    {
        var message = new Dictionary<string, object>
        {
            ["role"] = "assistant",
            ["parts"] = new[] { new Dictionary<string, string> { ["type"] = "text", ["content"] = response.Content } },
            ["finish_reason"] = response.FinishReason ?? "stop",
        };
        return JsonSerializer.Serialize(new[] { message });
    }

    private static TagList ModelTags(LlmProvider provider, string requestModel, string? responseModel, string? errorType)
    {
        var tags = new TagList
        {
            { Attributes.OperationName, Operations.Chat },
            { Attributes.ProviderName, provider.SystemName },
            { Attributes.RequestModel, requestModel },
        };
        if (responseModel is not null)
        {
            tags.Add(Attributes.ResponseModel, responseModel);
        }

        if (provider.Endpoint is { } endpoint)
        {
            tags.Add(Attributes.ServerAddress, endpoint.Host);
            tags.Add(Attributes.ServerPort, endpoint.Port);
        }

        if (errorType is not null)
        {
            tags.Add(Attributes.ErrorType, errorType);
        }

        return tags;
    }

    private static TagList Tags(params ReadOnlySpan<(string Key, string? Value)> pairs)
    {
        var tags = default(TagList);
        foreach (var (key, value) in pairs)
        {
            if (value is not null)
            {
                tags.Add(key, value);
            }
        }

        return tags;
    }
}
