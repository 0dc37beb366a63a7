using System.Text;

namespace Workflows;

/// <summary>
/// Maps configuration keys to the environment variables that set them: the canonical <c>GenAiWorkflows__Key</c>
/// and the flat alias <c>GENAI_WORKFLOW_KEY</c>.
/// </summary>
internal static class EnvironmentVariableNames
{
    public const string AliasPrefix = "GENAI_WORKFLOW_";

    /// <summary><c>GenAiWorkflows:MaxTokens</c> becomes <c>GenAiWorkflows__MaxTokens</c>.</summary>
    public static string Canonical(string key) => key.Replace(":", "__", StringComparison.Ordinal);

    /// <summary><c>GenAiWorkflows:MaxTokens</c> becomes <c>GENAI_WORKFLOW_MAX_TOKENS</c>; null outside the section.</summary>
    public static string? Alias(string key)
    {
        var prefix = GenAiWorkflowOptions.SectionName + ":";
        if (!key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var segments = key[prefix.Length..].Split(':');
        return AliasPrefix + string.Join("__", segments.Select(ToUpperSnake));
    }

    /// <summary>Both names, for error messages: <c>GenAiWorkflows__MaxTokens (or GENAI_WORKFLOW_MAX_TOKENS)</c>.</summary>
    public static string Describe(string key)
    {
        var alias = Alias(key);
        return alias is null ? Canonical(key) : $"{Canonical(key)} (or {alias})";
    }

    /// <summary><c>MAX_TOKENS</c> becomes <c>MaxTokens</c>; <c>PROVIDERS__OPENAI__API_KEY</c> becomes <c>Providers:Openai:ApiKey</c>.</summary>
    public static string AliasSuffixToKey(string suffix)
    {
        var segments = suffix.Split("__", StringSplitOptions.None);
        return string.Join(':', segments.Select(ToPascal));
    }

    private static string ToUpperSnake(string segment)
    {
        var builder = new StringBuilder(segment.Length + 4);
        for (var i = 0; i < segment.Length; i++)
        {
            var c = segment[i];
            if (i > 0 && char.IsUpper(c) && (char.IsLower(segment[i - 1]) || char.IsDigit(segment[i - 1])))
            {
                builder.Append('_');
            }

            builder.Append(char.ToUpperInvariant(c));
        }

        return builder.ToString();
    }

    private static string ToPascal(string segment)
    {
        var builder = new StringBuilder(segment.Length);
        foreach (var word in segment.Split('_', StringSplitOptions.RemoveEmptyEntries))
        {
            builder.Append(char.ToUpperInvariant(word[0]));
            builder.Append(word[1..].ToLowerInvariant());
        }

        return builder.ToString();
    }
}
