using System.Globalization;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Workflows.Providers.OpenAI;

/// <summary>
/// The provider as today's engine sees it: a thin <see cref="LlmProvider"/> adapter over the provider's
/// <see cref="IChatClient"/> (<see cref="OpenAIChatClientFactory"/>), which does the work. It goes away when the engine
/// takes the <see cref="IChatClient"/> itself.
/// </summary>
internal sealed class OpenAILlmProvider : LlmProvider
{
    /// <summary>The <see cref="LlmRequest.AdditionalProperties"/> keys this provider sends.</summary>
    public static readonly IReadOnlyList<string> SupportedProperties =
        ["reasoning_effort", "service_tier", "response_format", "top_p", "frequency_penalty", "presence_penalty", "seed", "stop", "user"];

    private readonly string _name;
    private readonly IChatClient _client;
    private readonly TimeProvider _timeProvider;

    /// <summary>Initializes a new instance of the <see cref="OpenAILlmProvider"/> class with its settings at hand.</summary>
    public OpenAILlmProvider(string name, OpenAIProviderOptions options, HttpClient httpClient, ILogger logger, TimeProvider? timeProvider = null)
        : this(name, OpenAIChatClientFactory.Create(name, options, httpClient, logger, timeProvider ?? TimeProvider.System), timeProvider)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="OpenAILlmProvider"/> class over the provider's chat client.</summary>
    public OpenAILlmProvider(string name, IChatClient client, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(client);
        _name = name;
        _client = client;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Gets the chat client this adapter calls.</summary>
    public IChatClient ChatClient => _client;

    /// <inheritdoc />
    public override string SystemName => Metadata.ProviderName ?? "openai";

    /// <inheritdoc />
    public override Uri Endpoint => Metadata.ProviderUri ?? OpenAIProviderOptions.OpenAIEndpoint;

    private ChatClientMetadata Metadata => _client.GetService<ChatClientMetadata>() ?? new ChatClientMetadata("openai");

    private IProviderLifecycle? Lifecycle => _client.GetService<IProviderLifecycle>();

    /// <inheritdoc />
    public override Task InitializeAsync(CancellationToken cancellationToken = default) =>
        Lifecycle?.InitializeAsync(cancellationToken) ?? Task.CompletedTask;

    /// <inheritdoc />
    public override Task CleanupAsync(CancellationToken cancellationToken = default) =>
        Lifecycle?.CleanupAsync(cancellationToken) ?? Task.CompletedTask;

    /// <inheritdoc />
    public override async Task<LlmResponse> CompleteAsync(LlmRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var messages = request.Messages.Select(static m => new Microsoft.Extensions.AI.ChatMessage(
            m.Role switch
            {
                LlmRole.System => ChatRole.System,
                LlmRole.Assistant => ChatRole.Assistant,
                _ => ChatRole.User,
            },
            m.Content)).ToList();
        var options = ToChatOptions(request);
        var started = _timeProvider.GetTimestamp();
        var response = await _client.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        var latency = _timeProvider.GetElapsedTime(started);

        var content = response.Text;
        if (content.Length == 0 &&
            response.Messages.SelectMany(static m => m.Contents).OfType<ErrorContent>().FirstOrDefault(static e => e.ErrorCode == "Refusal") is { } refusal)
        {
            content = refusal.Message;
        }

        return new LlmResponse(content)
        {
            Usage = ToTokenUsage(response.Usage),
            Model = response.ModelId,
            FinishReason = response.AdditionalProperties is { } properties && properties.TryGetValue(OpenAIModelChatClient.FinishReasonKey, out var original)
                ? original as string
                : response.FinishReason?.Value,
            ResponseId = response.ResponseId,
            Latency = latency,
        };
    }

    internal static TokenUsage ToTokenUsage(UsageDetails? usage) => usage is null
        ? TokenUsage.Empty
        : new TokenUsage
        {
            InputTokens = usage.InputTokenCount ?? 0,
            OutputTokens = usage.OutputTokenCount ?? 0,
            TotalTokens = usage.TotalTokenCount ?? ((usage.InputTokenCount ?? 0) + (usage.OutputTokenCount ?? 0)),
            CachedInputTokens = usage.CachedInputTokenCount,
            ReasoningTokens = usage.ReasoningTokenCount,
        };

    private ChatOptions ToChatOptions(LlmRequest request)
    {
        var options = new ChatOptions
        {
            ModelId = string.IsNullOrWhiteSpace(request.Model) ? null : request.Model,
            Temperature = request.Temperature is { } temperature ? (float)temperature : null,
            MaxOutputTokens = request.MaxTokens,
        };
        foreach (var (key, value) in request.AdditionalProperties)
        {
            switch (key)
            {
                case "response_format":
                    options.ResponseFormat = value switch
                    {
                        "json_object" => ChatResponseFormat.Json,
                        "text" => ChatResponseFormat.Text,
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
                    options.Seed = long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed)
                        ? seed
                        : throw InvalidSetting(key, value, "a whole number");
                    break;
                case "stop":
                    (options.StopSequences ??= []).Add(value);
                    break;
                default:
                    // reasoning_effort, service_tier and user are read by the chat client; anything else is logged there as ignored.
                    (options.AdditionalProperties ??= [])[key] = value;
                    break;
            }
        }

        return options;
    }

    private float ParseFloat(string key, string value) =>
        float.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw InvalidSetting(key, value, "a number (use '.' as the decimal separator)");

    private ProviderException InvalidSetting(string key, string value, string allowed) =>
        new($"The request setting {key} is '{value}', but provider '{_name}' needs {allowed}.", _name);
}
