using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json;
using Microsoft.Extensions.AI;
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

    private readonly SecretRedactor _redactor;

    public WorkflowInstrumentation(IMeterFactory? meterFactory, bool captureMessageContent, SecretRedactor? redactor = null)
    {
        _redactor = redactor ?? SecretRedactor.PatternsOnly;
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
        TimeToFirstChunk = _meter.CreateHistogram(
            Instruments.TimeToFirstChunk, "s", "Time from the start of a streamed model call to its first chunk.", tags: null, advice: operationBuckets);
        WorkflowDuration = _meter.CreateHistogram(
            Instruments.WorkflowDuration, "s", "Duration of a workflow run.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = WorkflowDurationBuckets });
        StepDuration = _meter.CreateHistogram(
            Instruments.StepDuration, "s", "Duration of a workflow step.", tags: null, advice: operationBuckets);
        Runs = _meter.CreateCounter<long>(Instruments.Runs, "{run}", "Workflow runs, by final status.");
        Cost = _meter.CreateCounter<double>(Instruments.Cost, "USD", "Cost of model calls in US dollars (priced calls only).");
        GuardrailFindings = _meter.CreateCounter<long>(
            Instruments.GuardrailFindings, "{finding}", "Findings of the safety guardrails, by guardrail, finding type and decision.");
    }

    public Histogram<long> TokenUsage { get; }

    public Histogram<double> OperationDuration { get; }

    public Histogram<double> TimeToFirstChunk { get; }

    public Histogram<double> WorkflowDuration { get; }

    public Histogram<double> StepDuration { get; }

    public Counter<long> Runs { get; }

    public Counter<double> Cost { get; }

    public Counter<long> GuardrailFindings { get; }

    public static Activity? StartRun(WorkflowRun run)
    {
        if (!Source.HasListeners())
        {
            return null; // without a listener there is no span: skip building the run's tags
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
                activity.SetStatus(ActivityStatusCode.Error, _redactor.Redact(error!.Message));
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

    /// <summary>
    /// Starts a step's span as a child of the run's span, whatever step encloses it, so that the steps of concurrent
    /// branches are siblings under the run; the path attribute tells where in the workflow each ran.
    /// </summary>
    public static Activity? StartStep(WorkflowRun run, WorkflowStep step, string path)
    {
        if (!Source.HasListeners())
        {
            return null; // without a listener there is no span: skip building the step's tags
        }

        return Source.StartActivity(
            ActivityKind.Internal,
            // No run span (its sampler dropped it): the default context, that is the ambient span.
            parentContext: run.Activity?.Context ?? default,
            tags:
            [
                new(Attributes.WorkflowName, run.Workflow.Name),
                new(Attributes.WorkflowId, run.WorkflowId),
                new(Attributes.StepName, step.Name),
                new(Attributes.StepPath, path),
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
                activity.SetStatus(ActivityStatusCode.Error, _redactor.Redact(result.Error!.Message));
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

    public Activity? StartModelCall(string providerName, ProviderInfo provider, ModelRequest request, string correlationId, bool streamed)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var model = request.Options.ModelId!;
        var tags = new List<KeyValuePair<string, object?>>(10)
        {
            new(Attributes.OperationName, Operations.Chat),
            new(Attributes.ProviderName, provider.SystemName),
            new(Attributes.RequestModel, model),
        };
        if (provider.Endpoint is { } endpoint)
        {
            tags.Add(new(Attributes.ServerAddress, endpoint.Host));
            tags.Add(new(Attributes.ServerPort, endpoint.Port));
        }

        var activity = Source.StartActivity(ActivityKind.Client, tags: tags, name: $"{Operations.Chat} {model}");
        if (activity is { IsAllDataRequested: true })
        {
            var options = request.Options;
            if (options.Temperature is { } temperature)
            {
                activity.SetTag(Attributes.RequestTemperature, ToDouble(temperature));
            }

            if (options.TopP is { } topP)
            {
                activity.SetTag(Attributes.RequestTopP, ToDouble(topP));
            }

            if (options.MaxOutputTokens is { } maxTokens)
            {
                activity.SetTag(Attributes.RequestMaxTokens, maxTokens);
            }

            if (streamed)
            {
                activity.SetTag(Attributes.RequestStream, true);
            }

            if (options.ResponseFormat is ChatResponseFormatJson)
            {
                activity.SetTag(Attributes.OutputType, "json");
            }

            activity.SetTag(Attributes.Provider, providerName);
            activity.SetTag(Attributes.CorrelationId, correlationId);
            if (_captureMessageContent)
            {
                activity.SetTag(Attributes.InputMessages, MessagesJson(request.Messages));
            }
        }

        return activity;
    }

    public void EndModelCall(
        Activity? activity, ProviderInfo provider, string requestModel, ChatResponse response, TokenUsage usage, TimeSpan latency,
        TimeSpan? timeToFirstChunk, CostEstimate cost)
    {
        var responseModel = string.IsNullOrWhiteSpace(response.ModelId) ? requestModel : response.ModelId;
        if (activity is not null)
        {
            if (activity.IsAllDataRequested)
            {
                activity.SetTag(Attributes.ResponseModel, responseModel);
                if (response.ResponseId is not null)
                {
                    activity.SetTag(Attributes.ResponseId, response.ResponseId);
                }

                if (response.FinishReason is { } finishReason)
                {
                    activity.SetTag(Attributes.ResponseFinishReasons, new[] { finishReason.Value });
                }

                if (timeToFirstChunk is { } first)
                {
                    activity.SetTag(Attributes.ResponseTimeToFirstChunk, first.TotalSeconds);
                }

                if (_captureMessageContent)
                {
                    activity.SetTag(Attributes.OutputMessages, OutputJson(response));
                }

                // Unknown stays unknown: no attribute for a count the provider did not report.
                SetIfKnown(activity, Attributes.UsageInputTokens, usage.InputTokens);
                SetIfKnown(activity, Attributes.UsageOutputTokens, usage.OutputTokens);
                SetIfKnown(activity, Attributes.UsageCacheReadInputTokens, usage.CachedInputTokens);
                SetIfKnown(activity, Attributes.UsageReasoningOutputTokens, usage.ReasoningTokens);
            }

            activity.Dispose();
        }

        var tags = ModelTags(provider, requestModel, responseModel, errorType: null);
        if (OperationDuration.Enabled)
        {
            OperationDuration.Record(latency.TotalSeconds, tags);
        }

        if (timeToFirstChunk is { } firstChunk && TimeToFirstChunk.Enabled)
        {
            TimeToFirstChunk.Record(firstChunk.TotalSeconds, tags);
        }

        if (TokenUsage.Enabled)
        {
            if (usage.InputTokens is { } input)
            {
                var inputTags = tags;
                inputTags.Add(Attributes.TokenType, Values.TokenTypeInput);
                TokenUsage.Record(input, inputTags);
            }

            if (usage.OutputTokens is { } output)
            {
                var outputTags = tags;
                outputTags.Add(Attributes.TokenType, Values.TokenTypeOutput);
                TokenUsage.Record(output, outputTags);
            }
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
    public void RecordCostOnly(ProviderInfo provider, string requestModel, string responseModel, CostEstimate cost)
    {
        if (Cost.Enabled && cost.AmountUsd > 0)
        {
            Cost.Add((double)cost.AmountUsd, ModelTags(provider, requestModel, responseModel, errorType: null));
        }
    }

    public void FailModelCall(Activity? activity, ProviderInfo provider, string requestModel, Exception exception, TimeSpan latency)
    {
        var errorType = ErrorType(exception);
        if (activity is not null)
        {
            activity.SetTag(Attributes.ErrorType, errorType);
            activity.SetStatus(ActivityStatusCode.Error, _redactor.Redact(exception.Message));
            activity.Dispose();
        }

        if (OperationDuration.Enabled)
        {
            OperationDuration.Record(latency.TotalSeconds, ModelTags(provider, requestModel, responseModel: null, errorType));
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
        ShouldCaptureMessageContent(option, Environment.GetEnvironmentVariable(WorkflowTelemetry.CaptureMessageContentEnvironmentVariable));

    /// <summary>Whether message content is captured, given the value of the OpenTelemetry GenAI environment variable.</summary>
    internal static bool ShouldCaptureMessageContent(bool option, string? environmentValue) =>
        option || string.Equals(environmentValue, "true", StringComparison.OrdinalIgnoreCase);

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

    /// <summary>A sampling setting as the double it was written as: 0.3f is 0.3, not 0.30000001192092896.</summary>
    internal static double? ToDouble(float? value) => value is { } known && float.IsFinite(known) ? (double)(decimal)known : value;

    private static void SetIfKnown(Activity activity, string name, long? value)
    {
        if (value is { } known)
        {
            activity.SetTag(name, known);
        }
    }

    private static string MessagesJson(IReadOnlyList<ChatMessage> messages) =>
        JsonSerializer.Serialize(messages.Select(static m => new Dictionary<string, object>
        {
            ["role"] = m.Role.Value,
            ["parts"] = Parts(m),
        }));

    private static string OutputJson(ChatResponse response) =>
        JsonSerializer.Serialize(response.Messages.Select(m => new Dictionary<string, object>
        {
            ["role"] = m.Role.Value,
            ["parts"] = Parts(m),
            ["finish_reason"] = response.FinishReason?.Value ?? "stop",
        }));

    /// <summary>The message's parts in the GenAI conventions' shape: text, tool calls and tool results.</summary>
    private static List<Dictionary<string, object?>> Parts(ChatMessage message)
    {
        var parts = new List<Dictionary<string, object?>>(message.Contents.Count);
        foreach (var content in message.Contents)
        {
            switch (content)
            {
                case TextContent text:
                    parts.Add(new() { ["type"] = "text", ["content"] = text.Text });
                    break;
                case FunctionCallContent call:
                    parts.Add(new() { ["type"] = "tool_call", ["id"] = call.CallId, ["name"] = call.Name, ["arguments"] = call.Arguments });
                    break;
                case FunctionResultContent result:
                    parts.Add(new() { ["type"] = "tool_call_response", ["id"] = result.CallId, ["response"] = result.Result?.ToString() });
                    break;
            }
        }

        return parts;
    }

    private static TagList ModelTags(ProviderInfo provider, string requestModel, string? responseModel, string? errorType)
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
