using System.Diagnostics;
using Microsoft.Extensions.AI;

namespace Workflows;

/// <summary>What the engine reads of a provider's <see cref="IChatClient"/> for telemetry and model resolution.</summary>
/// <param name="SystemName">The <c>gen_ai.provider.name</c>: the client's <see cref="ChatClientMetadata.ProviderName"/>, else the registered name.</param>
/// <param name="Endpoint">The server, for <c>server.address</c>/<c>server.port</c>; <see langword="null"/> when unknown.</param>
/// <param name="DefaultModelId">The client's own default model.</param>
/// <param name="RecordsGenAiTelemetry">
/// Whether the client records the GenAI client spans and metrics itself (a <c>UseOpenTelemetry()</c> stage exposes its
/// <see cref="ActivitySource"/>), so the engine must not record them a second time.
/// </param>
internal readonly record struct ProviderInfo(string SystemName, Uri? Endpoint, string? DefaultModelId, bool RecordsGenAiTelemetry)
{
    public static ProviderInfo Of(IChatClient client, string registeredName)
    {
        var metadata = client.GetService<ChatClientMetadata>();
        return new ProviderInfo(
            string.IsNullOrWhiteSpace(metadata?.ProviderName) ? registeredName : metadata.ProviderName,
            metadata?.ProviderUri,
            string.IsNullOrWhiteSpace(metadata?.DefaultModelId) ? null : metadata.DefaultModelId,
            client.GetService<ActivitySource>() is not null);
    }
}
