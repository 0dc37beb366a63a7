using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json;

namespace Workflows;

/// <summary>
/// The engine's traces and metrics, following the OpenTelemetry GenAI semantic conventions: an
/// <c>invoke_workflow {name}</c> span per run, a span per step, a <c>chat {model}</c> client span per model call,
/// and the token, duration, run and cost instruments. Every figure is recorded exactly once, here.
/// </summary>
internal sealed class WorkflowInstrumentation : IDisposable
{
    private static readonly ActivitySource Source = new(WorkflowTelemetry.SourceName);

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

        TokenUsage = _meter.CreateHistogram<long>("gen_ai.client.token.usage", "{token}", "Number of input and output tokens used per model call.");
        OperationDuration = _meter.CreateHistogram<double>("gen_ai.client.operation.duration", "s", "Duration of a model call.");
        WorkflowDuration = _meter.CreateHistogram<double>("gen_ai.workflow.duration", "s", "Duration of a workflow run.");
        StepDuration = _meter.CreateHistogram<double>("workflows.step.duration", "s", "Duration of a workflow step.");
        Runs = _meter.CreateCounter<long>("workflows.runs", "{run}", "Workflow runs, by final status.");
        Cost = _meter.CreateCounter<double>("workflows.cost", "USD", "Cost of model calls in US dollars (priced calls only).");
    }

    public Histogram<long> TokenUsage { get; }

    public Histogram<double> OperationDuration { get; }

    public Histogram<double> WorkflowDuration { get; }

    public Histogram<double> StepDuration { get; }

    public Counter<long> Runs { get; }

    public Counter<double> Cost { get; }

    public static Activity? StartRun(WorkflowRun run)
    {
        var activity = Source.StartActivity($"invoke_workflow {run.Workflow.Name}", ActivityKind.Internal);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("gen_ai.operation.name", "invoke_workflow");
            activity.SetTag("gen_ai.workflow.name", run.Workflow.Name);
            activity.SetTag("workflows.workflow.id", run.WorkflowId);
            activity.SetTag("workflows.correlation_id", run.CorrelationId);
        }

        return activity;
    }

    public void EndRun(Activity? activity, WorkflowRun run, WorkflowStatus status, ErrorInfo? error, TimeSpan duration)
    {
        var errorType = error is null ? null : ErrorType(error);
        if (activity is not null)
        {
            activity.SetTag("workflows.status", status.ToString());
            if (errorType is not null)
            {
                activity.SetTag("error.type", errorType);
                activity.SetStatus(ActivityStatusCode.Error, error!.Message);
            }

            activity.Dispose();
        }

        if (WorkflowDuration.Enabled)
        {
            WorkflowDuration.Record(duration.TotalSeconds, Tags(("gen_ai.workflow.name", run.Workflow.Name), ("error.type", errorType)));
        }

        if (Runs.Enabled)
        {
            Runs.Add(1, Tags(("gen_ai.workflow.name", run.Workflow.Name), ("workflows.status", status.ToString())));
        }
    }

    public static Activity? StartStep(WorkflowRun run, WorkflowStep step)
    {
        var activity = Source.StartActivity($"step {step.Name}", ActivityKind.Internal);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("gen_ai.workflow.name", run.Workflow.Name);
            activity.SetTag("workflows.step.name", step.Name);
            activity.SetTag("workflows.step.type", step.StepType);
            activity.SetTag("workflows.correlation_id", run.CorrelationId);
        }

        return activity;
    }

    public void EndStep(Activity? activity, WorkflowRun run, StepResult result)
    {
        var errorType = result.Error is null ? null : ErrorType(result.Error);
        if (activity is not null)
        {
            activity.SetTag("workflows.step.status", result.Status.ToString());
            if (errorType is not null)
            {
                activity.SetTag("error.type", errorType);
                activity.SetStatus(ActivityStatusCode.Error, result.Error!.Message);
            }

            activity.Dispose();
        }

        if (StepDuration.Enabled)
        {
            StepDuration.Record(
                result.Duration.TotalSeconds,
                Tags(("gen_ai.workflow.name", run.Workflow.Name), ("workflows.step.name", result.StepName), ("error.type", errorType)));
        }
    }

    public Activity? StartModelCall(string providerName, LlmProvider provider, LlmRequest request)
    {
        var activity = Source.StartActivity($"chat {request.Model}", ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("gen_ai.operation.name", "chat");
            activity.SetTag("gen_ai.provider.name", provider.SystemName);
            activity.SetTag("gen_ai.request.model", request.Model);
            if (request.Temperature is { } temperature)
            {
                activity.SetTag("gen_ai.request.temperature", temperature);
            }

            if (request.MaxTokens is { } maxTokens)
            {
                activity.SetTag("gen_ai.request.max_tokens", maxTokens);
            }

            activity.SetTag("workflows.provider", providerName);
            if (_captureMessageContent)
            {
                activity.SetTag("gen_ai.input.messages", MessagesJson(request));
            }

            if (provider.Endpoint is { } endpoint)
            {
                activity.SetTag("server.address", endpoint.Host);
                activity.SetTag("server.port", endpoint.Port);
            }
        }

        return activity;
    }

    public void EndModelCall(Activity? activity, LlmProvider provider, LlmRequest request, LlmResponse response, TimeSpan latency, CostEstimate cost)
    {
        var responseModel = response.Model ?? request.Model;
        if (activity is not null)
        {
            activity.SetTag("gen_ai.response.model", responseModel);
            if (response.ResponseId is not null)
            {
                activity.SetTag("gen_ai.response.id", response.ResponseId);
            }

            if (response.FinishReason is not null)
            {
                activity.SetTag("gen_ai.response.finish_reasons", new[] { response.FinishReason });
            }

            if (_captureMessageContent)
            {
                activity.SetTag("gen_ai.output.messages", OutputJson(response));
            }

            activity.SetTag("gen_ai.usage.input_tokens", response.Usage.InputTokens);
            activity.SetTag("gen_ai.usage.output_tokens", response.Usage.OutputTokens);
            if (response.Usage.CachedInputTokens is { } cached)
            {
                activity.SetTag("gen_ai.usage.cache_read.input_tokens", cached);
            }

            if (response.Usage.ReasoningTokens is { } reasoning)
            {
                activity.SetTag("gen_ai.usage.reasoning.output_tokens", reasoning);
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
            input.Add("gen_ai.token.type", "input");
            TokenUsage.Record(response.Usage.InputTokens, input);
            var output = tags;
            output.Add("gen_ai.token.type", "output");
            TokenUsage.Record(response.Usage.OutputTokens, output);
        }

        if (Cost.Enabled && cost.AmountUsd > 0)
        {
            Cost.Add((double)cost.AmountUsd, tags);
        }
    }

    public void FailModelCall(Activity? activity, LlmProvider provider, LlmRequest request, Exception exception, TimeSpan latency)
    {
        var errorType = exception.GetType().FullName ?? exception.GetType().Name;
        if (activity is not null)
        {
            activity.SetTag("error.type", errorType);
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

    private static string ErrorType(ErrorInfo error) => error.Kind switch
    {
        ErrorKind.TimedOut => "timeout",
        ErrorKind.Cancelled => "cancelled",
        _ => error.ExceptionType,
    };

    private static TagList ModelTags(LlmProvider provider, string requestModel, string? responseModel, string? errorType)
    {
        var tags = new TagList
        {
            { "gen_ai.operation.name", "chat" },
            { "gen_ai.provider.name", provider.SystemName },
            { "gen_ai.request.model", requestModel },
        };
        if (responseModel is not null)
        {
            tags.Add("gen_ai.response.model", responseModel);
        }

        if (provider.Endpoint is { } endpoint)
        {
            tags.Add("server.address", endpoint.Host);
            tags.Add("server.port", endpoint.Port);
        }

        if (errorType is not null)
        {
            tags.Add("error.type", errorType);
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
