using Microsoft.Extensions.AI;
using Workflows;
using Workflows.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Turns Microsoft.Extensions.AI chat clients into workflow providers.</summary>
public static class ChatClientWorkflowsBuilderExtensions
{
    /// <summary>
    /// Registers the <see cref="IChatClient"/> from the container (keyed by <paramref name="serviceKey"/> when given) as a
    /// provider named <paramref name="name"/>, so every IChatClient-based connector works in workflows, usage included.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The provider name steps and <c>GenAiWorkflows:DefaultProvider</c> use.</param>
    /// <param name="serviceKey">The key of a keyed <see cref="IChatClient"/> registration; <see langword="null"/> for the unkeyed one.</param>
    /// <returns>The builder.</returns>
    /// <remarks>
    /// A client built with <c>UseOpenTelemetry()</c> records the GenAI client spans and metrics itself; the engine then
    /// records its own workflow, step and cost telemetry only, so nothing is recorded twice.
    /// </remarks>
    public static IWorkflowsBuilder AddChatClientProvider(this IWorkflowsBuilder builder, string name, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddProvider(name, provider =>
        {
            var client = serviceKey is null
                ? provider.GetService<IChatClient>()
                : provider.GetKeyedService<IChatClient>(serviceKey);
            if (client is null)
            {
                throw new PluginRegistrationException(
                    $"Provider '{name}' adapts an IChatClient{(serviceKey is null ? string.Empty : $" keyed '{serviceKey}'")}, but none is registered. " +
                    $"Register one first, for example services.AddChatClient(...){(serviceKey is null ? string.Empty : " / AddKeyedChatClient(key, ...)")}.",
                    name, typeof(IChatClient));
            }

            return new ChatClientLlmProvider(client);
        });
    }
}
