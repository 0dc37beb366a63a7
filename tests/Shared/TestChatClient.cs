using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Workflows.Testing;

/// <summary>A small third-party-style chat client for tests (shared by the test projects): override <see cref="RespondAsync"/>; streaming replays the answer.</summary>
public abstract class TestChatClient : IChatClient
{
    public string? ProviderName { get; init; }

    public Uri? ProviderUri { get; init; }

    public string? DefaultModelId { get; init; }

    public static ChatResponse Reply(string text, string? model = null, UsageDetails? usage = null, string finishReason = "stop") =>
        new(new ChatMessage(ChatRole.Assistant, text))
        {
            ModelId = model,
            Usage = usage,
            FinishReason = new ChatFinishReason(finishReason),
            ResponseId = "resp-123",
        };

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        RespondAsync([.. messages], options, cancellationToken);

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await RespondAsync([.. messages], options, cancellationToken);
        foreach (var update in response.ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    public virtual object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(ChatClientMetadata) ? new ChatClientMetadata(ProviderName, ProviderUri, DefaultModelId)
        : serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose() => GC.SuppressFinalize(this);

    protected abstract Task<ChatResponse> RespondAsync(IReadOnlyList<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken);
}
