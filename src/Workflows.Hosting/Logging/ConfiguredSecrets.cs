using Microsoft.Extensions.Configuration;

namespace Workflows.Hosting;

/// <summary>Finds the API keys in configuration, so the log formatter can remove them exactly.</summary>
internal static class ConfiguredSecrets
{
    /// <summary>The environment variables that hold keys, read from configuration and from the process environment.</summary>
    public static readonly IReadOnlyList<string> KeyVariables = ["OPENAI_API_KEY", "AZURE_OPENAI_API_KEY"];

    /// <summary>
    /// Every value whose key's last segment is <c>ApiKey</c> (such as <c>GenAiWorkflows:Providers:openai:ApiKey</c>),
    /// plus <c>OPENAI_API_KEY</c> and <c>AZURE_OPENAI_API_KEY</c> from configuration and from the environment.
    /// </summary>
    /// <param name="configuration">The configuration; only the environment is read when <see langword="null"/>.</param>
    /// <returns>The values, possibly with repeats.</returns>
    public static IEnumerable<string> Read(IConfiguration? configuration)
    {
        if (configuration is not null)
        {
            foreach (var (key, value) in configuration.AsEnumerable())
            {
                if (string.IsNullOrEmpty(value))
                {
                    continue;
                }

                var lastSegment = key[(key.LastIndexOf(':') + 1)..];
                if (lastSegment.Equals("ApiKey", StringComparison.OrdinalIgnoreCase)
                    || KeyVariables.Contains(key, StringComparer.OrdinalIgnoreCase))
                {
                    yield return value;
                }
            }
        }

        foreach (var variable in KeyVariables)
        {
            if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value)
            {
                yield return value;
            }
        }
    }
}
