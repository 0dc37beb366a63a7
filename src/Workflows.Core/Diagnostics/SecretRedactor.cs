using System.Text.RegularExpressions;

namespace Workflows;

/// <summary>
/// Removes secrets from text before it reaches a log sink: the configured keys exactly, then OpenAI-style
/// <c>sk-...</c> keys, <c>Bearer</c> tokens, <c>api-key: ...</c> header or setting values, and Azure-style 32-hex-character
/// keys. Each is replaced by <see cref="Mask"/>.
/// </summary>
/// <remarks>
/// A 32-hex-character run is also the shape of a W3C trace id and of the default correlation id, so the caller may name
/// identifiers that stay visible (<see cref="Redact(string?, IReadOnlyCollection{string}?, IReadOnlyCollection{string}?)"/>);
/// configured keys are removed even then.
/// </remarks>
internal sealed partial class SecretRedactor
{
    /// <summary>What a secret is replaced by.</summary>
    public const string Mask = "[REDACTED]";

    /// <summary>Configured values shorter than this are not treated as secrets (they would mask ordinary words).</summary>
    public const int MinimumSecretLength = 8;

    private const int TimeoutMilliseconds = 1000;

    private readonly string[] _secrets;

    /// <summary>Initializes a new instance of the <see cref="SecretRedactor"/> class.</summary>
    /// <param name="knownSecrets">Exact values to remove (API keys from configuration); short or empty values are ignored.</param>
    public SecretRedactor(IEnumerable<string?>? knownSecrets = null)
    {
        _secrets = [.. (knownSecrets ?? [])
            .Where(static s => s is { Length: >= MinimumSecretLength })
            .Select(static s => s!)
            .Distinct(StringComparer.Ordinal)
            .OrderByDescending(static s => s.Length)];
    }

    /// <summary>Gets a redactor that knows no configured keys and applies only the patterns.</summary>
    public static SecretRedactor PatternsOnly { get; } = new();

    /// <summary>Gets how many exact values this redactor removes.</summary>
    public int KnownSecretCount => _secrets.Length;

    /// <summary>Tells whether a structured-logging key names a secret, so its whole value is masked.</summary>
    /// <param name="key">The state or scope key.</param>
    /// <returns><see langword="true"/> for names such as <c>ApiKey</c>, <c>api-key</c>, <c>Authorization</c>, <c>Password</c>, <c>AccessToken</c>.</returns>
    public static bool IsSecretName(string key) => key is not null && SecretNamePattern().IsMatch(key);

    /// <summary>Removes the secrets from a text.</summary>
    /// <param name="text">The text.</param>
    /// <param name="allowedIdentifiers">Values that look like keys but are known identifiers (trace and correlation ids); kept.</param>
    /// <param name="extraSecrets">Further exact values to remove, such as the values of secret-named state keys.</param>
    /// <returns>The text without secrets; the empty string for <see langword="null"/>.</returns>
    public string Redact(string? text, IReadOnlyCollection<string>? allowedIdentifiers = null, IReadOnlyCollection<string>? extraSecrets = null)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        foreach (var secret in _secrets)
        {
            text = text.Replace(secret, Mask, StringComparison.Ordinal);
        }

        if (extraSecrets is not null)
        {
            foreach (var secret in extraSecrets)
            {
                if (secret.Length >= 4)
                {
                    text = text.Replace(secret, Mask, StringComparison.Ordinal);
                }
            }
        }

        text = KeySettingPattern().Replace(text, static m => m.Groups["prefix"].Value + Mask);
        text = BearerPattern().Replace(text, static m => m.Groups["scheme"].Value + " " + Mask);
        text = OpenAiKeyPattern().Replace(text, Mask);
        text = HexKeyPattern().Replace(
            text, m => allowedIdentifiers is not null && allowedIdentifiers.Contains(m.Value) ? m.Value : Mask);
        return text;
    }

    // api-key: abc / x-api-key=abc / "ApiKey": "abc" / api_key='abc' / (api_key=abc); the value ends at a closing bracket
    // and does not take a sentence's final period.
    [GeneratedRegex(
        """(?<prefix>\b(?:x-)?api[-_]?key["']?\s*[:=]\s*["']?)(?<value>[^\s"',;&}\])>]*[^\s"',;&}\])>.])""",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeoutMilliseconds)]
    private static partial Regex KeySettingPattern();

    [GeneratedRegex(
        """\b(?<scheme>bearer)\s+(?<token>[A-Za-z0-9\-._~+/]{7,}[A-Za-z0-9\-_~+/]=*)""",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeoutMilliseconds)]
    private static partial Regex BearerPattern();

    // sk-..., sk-proj-..., sk-svcacct-...: at least 20 key characters after "sk-".
    [GeneratedRegex("""(?<![A-Za-z0-9_-])sk-[A-Za-z0-9_-]{20,}""", RegexOptions.CultureInvariant, TimeoutMilliseconds)]
    private static partial Regex OpenAiKeyPattern();

    // Azure-style keys: exactly 32 hex characters, not part of a longer word.
    [GeneratedRegex("""(?<![A-Za-z0-9])[0-9A-Fa-f]{32}(?![A-Za-z0-9])""", RegexOptions.CultureInvariant, TimeoutMilliseconds)]
    private static partial Regex HexKeyPattern();

    [GeneratedRegex(
        """(?:api[-_]?key|authorization|password|passwd|secret|access[-_]?token|bearer[-_]?token|client[-_]?secret)$""",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeoutMilliseconds)]
    private static partial Regex SecretNamePattern();
}
