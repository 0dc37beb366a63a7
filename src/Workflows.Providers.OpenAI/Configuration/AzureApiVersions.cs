using Azure.AI.OpenAI;

namespace Workflows.Providers.OpenAI;

/// <summary>Maps <c>api-version</c> strings (<c>2024-10-21</c>, <c>2025-04-01-preview</c>) to the SDK's service versions.</summary>
internal static class AzureApiVersions
{
    private static readonly Dictionary<string, AzureOpenAIClientOptions.ServiceVersion> Versions =
        Enum.GetValues<AzureOpenAIClientOptions.ServiceVersion>()
            .ToDictionary(ToApiVersion, static v => v, StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets the versions the SDK knows, oldest first.</summary>
    public static IReadOnlyList<string> Known { get; } = [.. Versions.Keys.Order(StringComparer.Ordinal)];

    public static bool TryParse(string? apiVersion, out AzureOpenAIClientOptions.ServiceVersion version)
    {
        version = default;
        return apiVersion is not null && Versions.TryGetValue(apiVersion.Trim(), out version);
    }

    // V2024_10_21 -> 2024-10-21; V2025_04_01_Preview -> 2025-04-01-preview
    private static string ToApiVersion(AzureOpenAIClientOptions.ServiceVersion version) =>
        version.ToString().TrimStart('V').Replace('_', '-').ToLowerInvariant();
}
