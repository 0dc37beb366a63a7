using System.ClientModel;
using System.ClientModel.Primitives;
using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Azure.AI.OpenAI;
using Azure.AI.OpenAI.Chat;
using Microsoft.Extensions.Logging;
using OpenAI;
using OpenAI.Chat;
using Polly.Timeout;

namespace Workflows.Providers.OpenAI;

/// <summary>
/// Calls chat completions on api.openai.com, Azure OpenAI or an OpenAI-compatible server through the official SDKs,
/// whose HTTP goes through the provider's named, resilient <see cref="HttpClient"/> (the SDK's own retries are off).
/// </summary>
/// <remarks>Thread-safe: one SDK client per model (or deployment) is created once and shared by all calls.</remarks>
internal sealed class OpenAILlmProvider : LlmProvider
{
    /// <summary>The <see cref="LlmRequest.AdditionalProperties"/> keys this provider sends.</summary>
    public static readonly IReadOnlyList<string> SupportedProperties =
        ["reasoning_effort", "service_tier", "response_format", "top_p", "frequency_penalty", "presence_penalty", "seed", "stop", "user"];

    private const string RedactedKey = "***";

    private static readonly string SupportedPropertiesText = string.Join(", ", SupportedProperties);

    private readonly string _name;
    private readonly Lazy<State> _state;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly ConcurrentDictionary<string, ChatClient> _chatClients = new(StringComparer.Ordinal);

    /// <summary>Initializes a new instance of the <see cref="OpenAILlmProvider"/> class with its settings at hand.</summary>
    public OpenAILlmProvider(string name, OpenAIProviderOptions options, HttpClient httpClient, ILogger logger, TimeProvider? timeProvider = null)
        : this(name, () => options, () => httpClient, logger, timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(httpClient);
    }

    /// <summary>
    /// Initializes a new instance of the <see cref="OpenAILlmProvider"/> class that reads its settings on first use
    /// (<see cref="InitializeAsync"/> at host start), so that creating it never pre-empts the options' validation on start.
    /// </summary>
    public OpenAILlmProvider(string name, Func<OpenAIProviderOptions> options, Func<HttpClient> httpClient, ILogger logger, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(logger);
        _name = name;
        _logger = logger;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _state = new Lazy<State>(() => CreateState(name, options(), httpClient()), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <inheritdoc />
    public override string SystemName => _state.Value.SystemName;

    /// <inheritdoc />
    public override Uri Endpoint => _state.Value.Options.EffectiveEndpoint;

    private OpenAIProviderOptions Settings => _state.Value.Options;

    private OpenAIClient Client => _state.Value.Client;

    /// <inheritdoc />
    public override Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        var state = _state.Value;
        _logger.ProviderInitialized(_name, state.SystemName, Endpoint, state.Options.MaxAttempts, state.Options.AttemptTimeout, state.Options.RequestTimeout);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override Task CleanupAsync(CancellationToken cancellationToken = default)
    {
        // The HttpClient and its pooled connections belong to IHttpClientFactory; only the per-model clients are dropped.
        _chatClients.Clear();
        if (_state.IsValueCreated)
        {
            _logger.ProviderCleanedUp(_name, SystemName);
        }

        return Task.CompletedTask;
    }

    private static State CreateState(string name, OpenAIProviderOptions options, HttpClient httpClient)
    {
        if (string.IsNullOrWhiteSpace(options.ApiKey))
        {
            throw new ConfigurationException(
                $"Provider '{name}' has no API key. Set {OpenAIProviderOptions.ApiKeyEnvironmentVariable} or " +
                $"{EnvironmentVariableNames.Describe(OpenAIProviderConfiguration.KeyPath(name, nameof(options.ApiKey)))}.",
                OpenAIProviderConfiguration.KeyPath(name, nameof(options.ApiKey)));
        }

        var client = options.IsAzure ? CreateAzureClient(name, options, httpClient) : CreateOpenAIClient(options, httpClient);
        return new State(options, client, options.IsAzure ? "azure.ai.openai" : "openai");
    }

    /// <inheritdoc />
    public override async Task<LlmResponse> CompleteAsync(LlmRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var model = ResolveModel(request);
        var target = Settings.IsAzure && !string.IsNullOrWhiteSpace(Settings.Deployment) ? Settings.Deployment : model;
        var chat = _chatClients.GetOrAdd(target, static (key, client) => client.GetChatClient(key), Client);
        var messages = ToChatMessages(request.Messages);
        var chatOptions = ToChatOptions(request);

        if (_logger.IsEnabled(LogLevel.Trace))
        {
            _logger.PromptSent(_name, model, Redact(string.Join("\n", request.Messages.Select(static m => $"{m.Role}: {m.Content}"))));
        }

        var started = _timeProvider.GetTimestamp();
        ClientResult<ChatCompletion> result;
        try
        {
            result = await chat.CompleteChatAsync(messages, chatOptions, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is not FrameworkException)
        {
            var error = MapFailure(ex, model);
            _logger.ChatFailed(error, _name, SystemName, model, Elapsed(started).TotalMilliseconds, error.StatusCode, error.ErrorCode, error.RequestId);
            throw error;
        }

        var latency = Elapsed(started);
        var raw = result.GetRawResponse();
        var requestId = RequestId(raw);
        LlmResponse response;
        try
        {
            response = ReadResponse(result.Value, raw, model, requestId, latency);
        }
        catch (ProviderException error)
        {
            _logger.ChatFailed(error, _name, SystemName, model, latency.TotalMilliseconds, error.StatusCode, error.ErrorCode, error.RequestId);
            throw;
        }

        if (_logger.IsEnabled(LogLevel.Debug))
        {
            _logger.ChatCompleted(
                _name, SystemName, model, response.Model, request.Temperature, request.MaxTokens, latency.TotalMilliseconds,
                response.FinishReason, response.Usage.InputTokens, response.Usage.OutputTokens, requestId,
                Header(raw, "x-ratelimit-remaining-requests"), Header(raw, "x-ratelimit-limit-requests"), Header(raw, "x-ratelimit-reset-requests"),
                Header(raw, "x-ratelimit-remaining-tokens"), Header(raw, "x-ratelimit-limit-tokens"), Header(raw, "x-ratelimit-reset-tokens"));
        }

        if (_logger.IsEnabled(LogLevel.Trace))
        {
            _logger.CompletionReceived(_name, model, Redact(response.Content));
        }

        return response;
    }

    private static OpenAIClient CreateOpenAIClient(OpenAIProviderOptions options, HttpClient httpClient)
    {
        var clientOptions = new OpenAIClientOptions { Endpoint = options.EffectiveEndpoint };
        if (!string.IsNullOrWhiteSpace(options.Organization))
        {
            clientOptions.OrganizationId = options.Organization;
        }

        if (!string.IsNullOrWhiteSpace(options.Project))
        {
            clientOptions.ProjectId = options.Project;
        }

        ConfigurePipeline(clientOptions, options, httpClient);
        return new OpenAIClient(new ApiKeyCredential(options.ApiKey!), clientOptions);
    }

    private static AzureOpenAIClient CreateAzureClient(string name, OpenAIProviderOptions options, HttpClient httpClient)
    {
        if (!AzureApiVersions.TryParse(options.ApiVersion, out var version))
        {
            throw new ConfigurationException(
                $"{OpenAIProviderConfiguration.KeyPath(name, nameof(options.ApiVersion))} is '{options.ApiVersion}', but it must be one of " +
                $"{string.Join(", ", AzureApiVersions.Known)}.",
                OpenAIProviderConfiguration.KeyPath(name, nameof(options.ApiVersion)));
        }

        var clientOptions = new AzureOpenAIClientOptions(version);
        ConfigurePipeline(clientOptions, options, httpClient);
        return new AzureOpenAIClient(options.EffectiveEndpoint, new ApiKeyCredential(options.ApiKey!), clientOptions);
    }

    private static void ConfigurePipeline(ClientPipelineOptions clientOptions, OpenAIProviderOptions options, HttpClient httpClient)
    {
        // Exactly one retry layer: the HttpClient's resilience handler. The SDK must neither retry nor time out first.
        clientOptions.RetryPolicy = new ClientRetryPolicy(maxRetries: 0);
        clientOptions.NetworkTimeout = options.RequestTimeout + TimeSpan.FromSeconds(30);
        clientOptions.Transport = new HttpClientPipelineTransport(httpClient);
    }

    private string ResolveModel(LlmRequest request)
    {
        if (!string.IsNullOrWhiteSpace(request.Model))
        {
            return request.Model;
        }

        if (!string.IsNullOrWhiteSpace(Settings.DefaultModel))
        {
            return Settings.DefaultModel;
        }

        throw new ProviderException(
            $"The request to provider '{_name}' names no model and {OpenAIProviderConfiguration.KeyPath(_name, nameof(Settings.DefaultModel))} is not set. " +
            $"Set the step's model, GenAiWorkflows:DefaultModel, or {EnvironmentVariableNames.Describe(OpenAIProviderConfiguration.KeyPath(_name, nameof(Settings.DefaultModel)))}.",
            _name);
    }

    private static List<ChatMessage> ToChatMessages(IReadOnlyList<LlmMessage> messages)
    {
        var result = new List<ChatMessage>(messages.Count);
        foreach (var message in messages)
        {
            result.Add(message.Role switch
            {
                LlmRole.System => new SystemChatMessage(message.Content),
                LlmRole.Assistant => new AssistantChatMessage(message.Content),
                _ => new UserChatMessage(message.Content),
            });
        }

        return result;
    }

#pragma warning disable OPENAI001 // reasoning_effort, service_tier and seed are marked experimental by the SDK.
    private ChatCompletionOptions ToChatOptions(LlmRequest request)
    {
        var options = new ChatCompletionOptions();
        if (request.Temperature is { } temperature)
        {
            options.Temperature = (float)temperature;
        }

        // Like the SDK (MaxOutputTokenCount), OpenAI gets max_completion_tokens; Azure keeps the SDK's max_tokens unless the
        // request targets a reasoning model (reasoning_effort set), which accepts only max_completion_tokens.
        if (request.MaxTokens is { } maxTokens)
        {
            options.MaxOutputTokenCount = maxTokens;
        }

        foreach (var (key, value) in request.AdditionalProperties)
        {
            switch (key)
            {
                case "reasoning_effort":
                    options.ReasoningEffortLevel = new ChatReasoningEffortLevel(value);
                    if (Settings.IsAzure)
                    {
#pragma warning disable AOAI001 // Opting into max_completion_tokens on Azure is marked experimental by the SDK.
                        options.SetNewMaxCompletionTokensPropertyEnabled(true);
#pragma warning restore AOAI001
                    }

                    break;
                case "service_tier":
                    options.ServiceTier = new ChatServiceTier(value);
                    break;
                case "response_format":
                    options.ResponseFormat = value switch
                    {
                        "json_object" => ChatResponseFormat.CreateJsonObjectFormat(),
                        "text" => ChatResponseFormat.CreateTextFormat(),
                        _ => throw new ProviderException(
                            $"The request setting response_format is '{value}', but provider '{_name}' supports only 'json_object' and 'text'.", _name),
                    };
                    break;
                case "top_p":
                    options.TopP = ParseFloat(key, value);
                    break;
                case "frequency_penalty":
                    options.FrequencyPenalty = ParseFloat(key, value);
                    break;
                case "presence_penalty":
                    options.PresencePenalty = ParseFloat(key, value);
                    break;
                case "seed":
                    options.Seed = long.TryParse(value, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var seed)
                        ? seed
                        : throw InvalidSetting(key, value, "a whole number");
                    break;
                case "stop":
                    options.StopSequences.Add(value);
                    break;
                case "user":
                    options.EndUserId = value;
                    break;
                default:
                    _logger.AdditionalPropertyIgnored(_name, key, SupportedPropertiesText);
                    break;
            }
        }

        return options;
    }
#pragma warning restore OPENAI001

    private float ParseFloat(string key, string value) =>
        float.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var number)
            ? number
            : throw InvalidSetting(key, value, "a number (use '.' as the decimal separator)");

    private ProviderException InvalidSetting(string key, string value, string allowed) =>
        new($"The request setting {key} is '{value}', but provider '{_name}' needs {allowed}.", _name);

    private LlmResponse ReadResponse(ChatCompletion completion, PipelineResponse raw, string model, string? requestId, TimeSpan latency)
    {
        CheckShape(raw, model, requestId);
        string content;
        string? finishReason;
        TokenUsage usage;
        try
        {
            content = string.Concat(completion.Content.Where(static part => part.Kind == ChatMessageContentPartKind.Text).Select(static part => part.Text));
            if (content.Length == 0 && !string.IsNullOrEmpty(completion.Refusal))
            {
                content = completion.Refusal;
            }

            finishReason = completion.FinishReason switch
            {
                ChatFinishReason.Stop => "stop",
                ChatFinishReason.Length => "length",
                ChatFinishReason.ContentFilter => "content_filter",
                ChatFinishReason.ToolCalls => "tool_calls",
                ChatFinishReason.FunctionCall => "function_call",
                var other => other.ToString(),
            };
            usage = completion.Usage is { } reported
                ? new TokenUsage
                {
                    InputTokens = reported.InputTokenCount,
                    OutputTokens = reported.OutputTokenCount,
                    TotalTokens = reported.TotalTokenCount,
                    CachedInputTokens = reported.InputTokenDetails?.CachedTokenCount,
                    ReasoningTokens = reported.OutputTokenDetails?.ReasoningTokenCount,
                }
                : TokenUsage.Empty;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw Malformed(model, requestId, raw.Status, ex.Message, ex);
        }

        return new LlmResponse(content)
        {
            Usage = usage,
            Model = completion.Model,
            FinishReason = finishReason,
            ResponseId = completion.Id,
            Latency = latency,
        };
    }

    /// <summary>Checks the parts of the reply the provider relies on, so a malformed reply fails with a clear message.</summary>
    private void CheckShape(PipelineResponse raw, string model, string? requestId)
    {
        string? problem;
        try
        {
            using var document = JsonDocument.Parse(raw.Content.ToMemory());
            var root = document.RootElement;
            problem = root.ValueKind != JsonValueKind.Object ? $"the body is a JSON {root.ValueKind}, not an object"
                : !root.TryGetProperty("choices", out var choices) || choices.ValueKind != JsonValueKind.Array ? "it has no 'choices' array"
                : choices.GetArrayLength() == 0 ? "its 'choices' array is empty"
                : choices[0].ValueKind != JsonValueKind.Object || !choices[0].TryGetProperty("message", out var message) || message.ValueKind != JsonValueKind.Object
                    ? "its first choice has no 'message' object"
                : null;
        }
        catch (JsonException ex)
        {
            throw Malformed(model, requestId, raw.Status, $"the body is not valid JSON ({ex.Message})", ex);
        }

        if (problem is not null)
        {
            throw Malformed(model, requestId, raw.Status, problem, innerException: null);
        }
    }

    private ProviderException Malformed(string model, string? requestId, int status, string problem, Exception? innerException) =>
        new(
            $"Provider '{_name}' ({SystemName}) answered the request for model '{model}' with HTTP {status}, but the reply is not a " +
            $"chat completion: {Redact(problem)}. Check that {Endpoint} is an OpenAI-compatible chat completions endpoint" +
            (requestId is null ? "." : $" (request id {requestId})."),
            _name, (HttpStatusCode)status, "malformed_response", requestId, innerException);

    private ProviderException MapFailure(Exception exception, string model)
    {
        var attempts = Settings.MaxAttempts == 1 ? "1 attempt" : $"{Settings.MaxAttempts} attempts";
        switch (exception)
        {
            case ClientResultException { Status: > 0 } clientError:
            {
                var raw = clientError.GetRawResponse();
                var status = (HttpStatusCode)clientError.Status;
                var requestId = raw is null ? null : RequestId(raw);
                var (code, providerMessage) = raw is null ? (null, null) : ReadError(raw);
                var what = providerMessage is null ? $"HTTP {clientError.Status}" : $"HTTP {clientError.Status}: {Redact(providerMessage)}";
                var details = (code is null ? string.Empty : $" Error code: {code}.") + (requestId is null ? string.Empty : $" Request id: {requestId}.");
                if (status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
                {
                    return new ProviderAuthException(
                        $"Provider '{_name}' ({SystemName}) rejected the credentials for model '{model}' with {what}.{details} " +
                        $"Check the API key ({OpenAIProviderOptions.ApiKeyEnvironmentVariable} or " +
                        $"{EnvironmentVariableNames.Describe(OpenAIProviderConfiguration.KeyPath(_name, nameof(Settings.ApiKey)))}), " +
                        "the endpoint and the account's access to the model.",
                        _name, status, code, requestId, exception);
                }

                var retried = OpenAIHttpClientBuilderExtensions.IsTransient(status) ? $" Gave up after {attempts}." : string.Empty;
                return new ProviderException(
                    $"Provider '{_name}' ({SystemName}) failed the request for model '{model}' with {what}.{details}{retried}",
                    _name, status, code, requestId, exception);
            }

            case TimeoutRejectedException:
            case OperationCanceledException:
                return new ProviderException(
                    $"Provider '{_name}' ({SystemName}) did not answer the request for model '{model}' in time " +
                    $"(attempt timeout {Settings.AttemptTimeout:c}, request timeout {Settings.RequestTimeout:c}, {attempts}). " +
                    $"Raise {OpenAIProviderConfiguration.KeyPath(_name, nameof(Settings.AttemptTimeout))} or " +
                    $"{OpenAIProviderConfiguration.KeyPath(_name, nameof(Settings.RequestTimeout))} if the model needs longer.",
                    _name, statusCode: null, errorCode: "timeout", requestId: null, exception);

            case ClientResultException or HttpRequestException:
                return new ProviderException(
                    $"Provider '{_name}' ({SystemName}) could not reach {Endpoint} for model '{model}' after {attempts}: {Redact(exception.Message)}",
                    _name, statusCode: null, errorCode: "connection_failed", requestId: null, exception);

            default:
                return new ProviderException(
                    $"Provider '{_name}' ({SystemName}) answered the request for model '{model}', but the reply is not a chat completion " +
                    $"the SDK can read: {Redact(exception.Message)} Check that {Endpoint} is an OpenAI-compatible chat completions endpoint.",
                    _name, statusCode: null, errorCode: "malformed_response", requestId: null, exception);
        }
    }

    /// <summary>Reads <c>error.code</c> (or <c>error.type</c>) and <c>error.message</c> from an error body; nulls when it has none.</summary>
    private static (string? Code, string? Message) ReadError(PipelineResponse raw)
    {
        try
        {
            using var document = JsonDocument.Parse(raw.Content.ToMemory());
            if (document.RootElement.ValueKind == JsonValueKind.Object &&
                document.RootElement.TryGetProperty("error", out var error))
            {
                if (error.ValueKind == JsonValueKind.String)
                {
                    return (null, error.GetString());
                }

                if (error.ValueKind == JsonValueKind.Object)
                {
                    var code = StringOrNumber(error, "code") ?? StringOrNumber(error, "type");
                    return (code, StringOrNumber(error, "message"));
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON: fall through to the raw text below.
        }

        var text = raw.Content.ToString().Trim();
        return (null, text.Length == 0 ? null : text.Length > 500 ? text[..500] + "..." : text);
    }

    private static string? StringOrNumber(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number => value.GetRawText(),
                _ => null,
            }
            : null;

    private static string? RequestId(PipelineResponse raw) =>
        Header(raw, "x-request-id") ?? Header(raw, "apim-request-id") ?? Header(raw, "x-ms-request-id");

    private static string? Header(PipelineResponse raw, string name) =>
        raw.Headers.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value) ? value : null;

    /// <summary>Removes the API key from text that came from the server or the network stack, in case it echoes it.</summary>
    private string Redact(string text) =>
        Settings.ApiKey is { Length: > 0 } key ? text.Replace(key, RedactedKey, StringComparison.Ordinal) : text;

    private TimeSpan Elapsed(long started) => _timeProvider.GetElapsedTime(started);

    private sealed record State(OpenAIProviderOptions Options, OpenAIClient Client, string SystemName);
}
