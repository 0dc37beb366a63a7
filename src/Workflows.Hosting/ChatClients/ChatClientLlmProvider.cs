using System.Diagnostics;
using Microsoft.Extensions.AI;

namespace Workflows.Hosting;

/// <summary>
/// Adapts any Microsoft.Extensions.AI <see cref="IChatClient"/> to an <see cref="LlmProvider"/>, usage figures included.
/// </summary>
internal sealed class ChatClientLlmProvider : LlmProvider
{
    private readonly IChatClient _client;
    private readonly string _systemName;
    private readonly Uri? _endpoint;
    private readonly bool _recordsTelemetry;

    public ChatClientLlmProvider(IChatClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        var metadata = client.GetService<ChatClientMetadata>();
        _systemName = string.IsNullOrWhiteSpace(metadata?.ProviderName) ? "microsoft.extensions.ai" : metadata.ProviderName;
        _endpoint = metadata?.ProviderUri;

        // A client built with UseOpenTelemetry() already records the gen_ai.client.* spans and metrics.
        _recordsTelemetry = client.GetService<OpenTelemetryChatClient>() is not null;
    }

    public override string SystemName => _systemName;

    public override Uri? Endpoint => _endpoint;

    internal override bool RecordsGenAiTelemetry => _recordsTelemetry;

    public override async Task<LlmResponse> CompleteAsync(LlmRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var messages = request.Messages.Select(static m => new ChatMessage(ToRole(m.Role), m.Content)).ToList();
        var options = new ChatOptions
        {
            ModelId = request.Model,
            Temperature = request.Temperature is { } temperature ? (float)temperature : null,
            MaxOutputTokens = request.MaxTokens,
        };
        if (request.AdditionalProperties.Count > 0)
        {
            options.AdditionalProperties = [];
            foreach (var (key, value) in request.AdditionalProperties)
            {
                options.AdditionalProperties[key] = value;
            }
        }

        var started = Stopwatch.GetTimestamp();
        ChatResponse response;
        try
        {
            response = await _client.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not FrameworkException)
        {
            throw new ProviderException(
                $"The chat client {_client.GetType().FullName} ({_systemName}) failed: {ex.Message}", providerName: _systemName, innerException: ex);
        }

        if (response is null)
        {
            throw new ProviderException($"The chat client {_client.GetType().FullName} ({_systemName}) returned no response.", _systemName);
        }

        return new LlmResponse(response.Text ?? string.Empty)
        {
            Usage = ToUsage(response.Usage),
            Model = response.ModelId ?? request.Model,
            FinishReason = response.FinishReason?.Value,
            ResponseId = response.ResponseId,
            Latency = Stopwatch.GetElapsedTime(started),
        };
    }

    private static ChatRole ToRole(LlmRole role) => role switch
    {
        LlmRole.System => ChatRole.System,
        LlmRole.Assistant => ChatRole.Assistant,
        _ => ChatRole.User,
    };

    private static TokenUsage ToUsage(UsageDetails? usage)
    {
        if (usage is null)
        {
            return TokenUsage.Empty;
        }

        var input = usage.InputTokenCount ?? 0;
        var output = usage.OutputTokenCount ?? 0;
        return new TokenUsage
        {
            InputTokens = input,
            OutputTokens = output,
            TotalTokens = usage.TotalTokenCount ?? input + output,
            CachedInputTokens = usage.CachedInputTokenCount,
            ReasoningTokens = usage.ReasoningTokenCount,
        };
    }
}
