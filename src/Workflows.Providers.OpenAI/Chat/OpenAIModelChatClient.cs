using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using StreamingChatCompletionUpdate = OpenAI.Chat.StreamingChatCompletionUpdate;

namespace Workflows.Providers.OpenAI;

/// <summary>
/// The innermost chat client of a provider: maps the options (<see cref="ChatRequestMapper"/>), sends the call through the
/// SDK's <see cref="global::OpenAI.Chat.ChatClient"/> of the target model or Azure deployment (via Microsoft.Extensions.AI.OpenAI's
/// <c>AsIChatClient()</c>, one per target, created once and shared), and puts back the finish reason the SDK could not
/// read. Faults are not translated here: that is <see cref="ProviderErrorsChatClient"/>'s job.
/// </summary>
internal sealed class OpenAIModelChatClient(OpenAIProviderRuntime runtime) : IChatClient
{
    /// <summary>The <see cref="ChatResponse.AdditionalProperties"/> key of the finish reason as the server sent it, when the SDK could not read it.</summary>
    public const string FinishReasonKey = "finish_reason";

    private readonly ConcurrentDictionary<string, IChatClient> _clients = new(StringComparer.Ordinal);

    public OpenAIProviderRuntime Runtime => runtime;

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<Microsoft.Extensions.AI.ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var (target, mapped) = ChatRequestMapper.Map(runtime, options);
        var call = ProviderCall.Current;
        var response = await ClientFor(target).GetResponseAsync(messages, mapped, cancellationToken).ConfigureAwait(false);
        if (call is { FinishReasonReplaced: true })
        {
            response.FinishReason = ToFinishReason(call.OriginalFinishReason);
            (response.AdditionalProperties ??= [])[FinishReasonKey] = call.OriginalFinishReason;
        }

        return response;
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<Microsoft.Extensions.AI.ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var (target, mapped) = ChatRequestMapper.Map(runtime, options);
        var call = ProviderCall.Current;
        System.Text.StringBuilder? refusal = null;
        var refusalReported = false;
        ChatResponseUpdate? last = null;
        await foreach (var update in ClientFor(target).GetStreamingResponseAsync(messages, mapped, cancellationToken).ConfigureAwait(false))
        {
            var refusalPart = (update.RawRepresentation as StreamingChatCompletionUpdate)?.RefusalUpdate;
            if (!string.IsNullOrEmpty(refusalPart))
            {
                (refusal ??= new()).Append(refusalPart);
            }

            refusalReported |= update.Contents.Any(static c => c is ErrorContent { ErrorCode: "Refusal" });
            if (call is { FinishReasonReplaced: true } && update.FinishReason is not null)
            {
                update.FinishReason = ToFinishReason(call.OriginalFinishReason);
                (update.AdditionalProperties ??= [])[FinishReasonKey] = call.OriginalFinishReason;
            }

            last = update;
            yield return update;
        }

        // Microsoft.Extensions.AI.OpenAI reports a streamed refusal only next to tool calls; a refusal of a plain reply
        // (structured output the model declined) comes out the same way a non-streaming one does: ErrorContent "Refusal".
        if (refusal is not null && !refusalReported)
        {
            yield return new ChatResponseUpdate(ChatRole.Assistant, [new ErrorContent(refusal.ToString()) { ErrorCode = "Refusal" }])
            {
                ResponseId = last?.ResponseId,
                MessageId = last?.MessageId,
                ModelId = last?.ModelId,
                CreatedAt = last?.CreatedAt,
                FinishReason = last?.FinishReason,
            };
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(ChatClientMetadata) ? runtime.TryGetMetadata()
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <summary>Drops the per-model clients (the connections belong to IHttpClientFactory).</summary>
    public void Reset() => _clients.Clear();

    public void Dispose() => _clients.Clear();

    private static ChatFinishReason? ToFinishReason(string? value) => string.IsNullOrWhiteSpace(value) ? null : new ChatFinishReason(value);

    private IChatClient ClientFor(string target) =>
        _clients.GetOrAdd(target, static (key, state) => state.Client.GetChatClient(key).AsIChatClient(), runtime.State);
}
