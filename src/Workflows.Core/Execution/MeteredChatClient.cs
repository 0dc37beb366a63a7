using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Workflows;

/// <summary>
/// The stage under the function-invocation loop of one step's model call: every round it is asked for goes through the
/// engine's metered call (middleware, budget check, span, usage and cost, streaming of deltas). It exposes the engine's
/// <see cref="ActivitySource"/>, so the loop's <c>execute_tool {name}</c> spans are recorded on it.
/// </summary>
internal sealed class MeteredChatClient(
    WorkflowEngine engine, WorkflowRun run, StepAccumulator step, string providerName, IChatClient provider, ProviderInfo info, int maxToolRounds)
    : DelegatingChatClient(provider)
{
    public override Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var request = new ModelRequest(messages as IReadOnlyList<ChatMessage> ?? [.. messages], options ?? new ChatOptions())
        {
            MaxToolRounds = maxToolRounds,
        };
        return engine.CallModelAsync(run, step, providerName, InnerClient, info, request, cancellationToken);
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // The engine streams from the provider itself (and sends the deltas); the loop above gets the finished round.
        var response = await GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        foreach (var update in response.ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    public override object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType == typeof(ActivitySource) ? WorkflowInstrumentation.Source : base.GetService(serviceType, serviceKey);

    /// <summary>The provider belongs to the registry: disposing this per-call stage must not dispose it (as the base would).</summary>
#pragma warning disable CA2215 // Not calling base.Dispose is the point: it would dispose the shared provider.
    protected override void Dispose(bool disposing)
    {
    }
#pragma warning restore CA2215
}
