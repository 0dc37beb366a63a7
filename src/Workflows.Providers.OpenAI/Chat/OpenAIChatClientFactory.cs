using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Workflows.Providers.OpenAI;

/// <summary>
/// Builds the provider's <see cref="IChatClient"/>: <see cref="ProviderErrorsChatClient"/> (fault translation, logging,
/// <see cref="IProviderLifecycle"/>) around <see cref="OpenAIModelChatClient"/> (options mapping, <see cref="ChatClientMetadata"/>,
/// one SDK chat client per model through Microsoft.Extensions.AI.OpenAI), whose HTTP goes through the named,
/// resilient client <c>Workflows.OpenAI.&lt;name&gt;</c>.
/// </summary>
internal static class OpenAIChatClientFactory
{
    /// <summary>The log category of the provider.</summary>
    public const string LoggerCategory = "Workflows.Providers.OpenAI";

    /// <summary>Builds the client of a provider registered with <c>AddOpenAIProvider(name)</c>, reading its settings on first use.</summary>
    /// <param name="services">The container holding the provider's options, named HttpClient, logging and <see cref="TimeProvider"/>.</param>
    /// <param name="providerName">The name the provider was registered under.</param>
    /// <returns>The client; settings are read at <see cref="IProviderLifecycle.InitializeAsync"/> or the first call, whichever comes first.</returns>
    public static IChatClient Create(IServiceProvider services, string providerName)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(providerName);
        return Create(
            providerName,
            () => services.GetRequiredService<IOptionsMonitor<OpenAIProviderOptions>>().Get(providerName),
            () => services.GetRequiredService<IHttpClientFactory>().CreateClient(OpenAIHttpClientBuilderExtensions.ClientName(providerName)),
            services.GetService<ILoggerFactory>()?.CreateLogger(LoggerCategory) ?? NullLogger.Instance,
            services.GetService<TimeProvider>() ?? TimeProvider.System);
    }

    /// <summary>Builds a provider's client from settings at hand.</summary>
    /// <param name="providerName">The provider's name (in messages, logs and configuration keys).</param>
    /// <param name="options">The validated settings.</param>
    /// <param name="httpClient">
    /// The provider's named client from <c>AddOpenAIHttpClient</c> (<c>Workflows.OpenAI.&lt;name&gt;</c>): its handlers do the
    /// retries, count the attempts, buffer bodies within the attempt timeout and make unknown finish reasons readable. A
    /// plain <see cref="HttpClient"/> works but has none of that.
    /// </param>
    /// <param name="logger">The logger (category <see cref="LoggerCategory"/>).</param>
    /// <param name="timeProvider">The clock of latencies.</param>
    /// <returns>The client.</returns>
    public static IChatClient Create(string providerName, OpenAIProviderOptions options, HttpClient httpClient, ILogger logger, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(httpClient);
        return Create(providerName, () => options, () => httpClient, logger, timeProvider);
    }

    /// <summary>Builds a provider's client whose settings and HttpClient are read on first use.</summary>
    public static IChatClient Create(
        string providerName, Func<OpenAIProviderOptions> options, Func<HttpClient> httpClient, ILogger logger, TimeProvider timeProvider)
    {
        var runtime = new OpenAIProviderRuntime(providerName, options, httpClient, logger, timeProvider);
        return new ChatClientBuilder(new OpenAIModelChatClient(runtime))
            .UseProviderErrors(runtime)
            .Build();
    }
}
