using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Workflows;
using Workflows.Providers.OpenAI;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the OpenAI provider (api.openai.com, Azure OpenAI, OpenAI-compatible servers) to GenAI Workflows.</summary>
public static class OpenAIWorkflowsBuilderExtensions
{
    /// <summary>
    /// Registers an OpenAI provider under <paramref name="name"/>. Its <see cref="OpenAIProviderOptions"/> are bound from
    /// <c>GenAiWorkflows:Providers:&lt;name&gt;</c>, then <paramref name="configure"/> runs, then a missing API key is read
    /// from <c>OPENAI_API_KEY</c>; the result is validated when the host starts. HTTP goes through the named client
    /// <c>Workflows.OpenAI.&lt;name&gt;</c>, whose resilience handler is the only layer that retries.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The name steps and <c>GenAiWorkflows:DefaultProvider</c> use; <c>openai</c> by default.</param>
    /// <param name="configure">Adjusts the options after configuration is bound.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="PluginRegistrationException">The name is empty or already registered.</exception>
    public static IWorkflowsBuilder AddOpenAIProvider(
        this IWorkflowsBuilder builder, string name = OpenAIProviderOptions.DefaultName, Action<OpenAIProviderOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        // Settings and HttpClient are read on first use (InitializeAsync at host start), after the options' validation on start.
        builder.AddProvider(name, provider => OpenAIChatClientFactory.Create(provider, name));

        var services = builder.Services;
        services.AddOptions<OpenAIProviderOptions>(name)
            .Configure<IServiceProvider>((options, provider) =>
                OpenAIProviderConfiguration.Bind(provider.GetService<IConfiguration>(), name, options))
            .ValidateOnStart();
        if (configure is not null)
        {
            services.Configure(name, configure);
        }

        services.AddOptions<OpenAIProviderOptions>(name)
            .PostConfigure<IServiceProvider>((options, provider) =>
                OpenAIProviderConfiguration.ApplyApiKeyFallback(provider.GetService<IConfiguration>(), options));
        services.AddSingleton<IValidateOptions<OpenAIProviderOptions>>(new OpenAIProviderOptionsValidator(name));
        services.TryAddSingleton(TimeProvider.System);
        services.AddOpenAIHttpClient(name);
        return builder;
    }
}
