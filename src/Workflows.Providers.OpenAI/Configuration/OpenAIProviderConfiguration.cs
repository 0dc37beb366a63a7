using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Workflows.Providers.OpenAI;

/// <summary>
/// Reads <see cref="OpenAIProviderOptions"/> from configuration through <see cref="CheckedBinder"/> (a bad value fails with
/// a message naming the key, the value, the expected type and the environment variables), and fills the API key from
/// <c>OPENAI_API_KEY</c> when none is configured.
/// </summary>
internal static class OpenAIProviderConfiguration
{
    /// <summary><c>GenAiWorkflows:Providers:openai</c>.</summary>
    public static string SectionPath(string providerName) =>
        $"{GenAiWorkflowOptions.SectionName}:Providers:{providerName}";

    /// <summary><c>GenAiWorkflows:Providers:openai:ApiKey</c>.</summary>
    public static string KeyPath(string providerName, string property) => $"{SectionPath(providerName)}:{property}";

    /// <summary>Binds the provider's section onto <paramref name="options"/>; does nothing without configuration.</summary>
    /// <exception cref="OptionsValidationException">A value does not convert to its setting's type.</exception>
    public static void Bind(IConfiguration? configuration, string providerName, OpenAIProviderOptions options)
    {
        if (configuration is null)
        {
            return;
        }

        CheckedBinder.Bind(configuration.GetSection(SectionPath(providerName)), options, providerName);
    }

    /// <summary>Fills <see cref="OpenAIProviderOptions.ApiKey"/> from <c>OPENAI_API_KEY</c> when it is still empty.</summary>
    public static void ApplyApiKeyFallback(IConfiguration? configuration, OpenAIProviderOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.ApiKey))
        {
            return;
        }

        var fallback = configuration is not null
            ? configuration[OpenAIProviderOptions.ApiKeyEnvironmentVariable]
            : Environment.GetEnvironmentVariable(OpenAIProviderOptions.ApiKeyEnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fallback))
        {
            options.ApiKey = fallback;
        }
    }
}
