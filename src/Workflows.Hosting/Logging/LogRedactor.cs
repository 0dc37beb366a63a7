using System.Globalization;
using System.Text.RegularExpressions;

namespace Workflows.Hosting;

/// <summary>
/// The one redaction rule of every log sink: the configured secrets exactly, then the shapes of keys and tokens
/// (<c>sk-...</c>, <c>Bearer ...</c>, <c>api-key: ...</c>), each replaced by <see cref="SecretRedactor.Mask"/>.
/// </summary>
/// <remarks>
/// A bare run of 32 hex characters is not masked: it is the shape of a W3C trace id and of the default correlation id.
/// An Azure key of that shape is masked when it is configured (<c>AZURE_OPENAI_API_KEY</c>, any <c>...:ApiKey</c>) or
/// follows <c>api-key:</c>.
/// </remarks>
internal sealed partial class LogRedactor(SecretRedactor secrets)
{
    /// <summary>Gets a redactor with no configured secrets (the patterns only).</summary>
    public static LogRedactor PatternsOnly { get; } = new(SecretRedactor.PatternsOnly);

    /// <summary>Removes secrets from a text.</summary>
    /// <param name="text">The text.</param>
    /// <param name="extraSecrets">Further exact values to remove, such as values logged under a secret name.</param>
    /// <returns>The text without secrets.</returns>
    public string Redact(string? text, IReadOnlyCollection<string>? extraSecrets = null)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        List<string>? identifiers = null;
        foreach (Match match in HexRun().Matches(text))
        {
            (identifiers ??= []).Add(match.Value);
        }

        // Idempotent: a text redacted before (a classified value, a message formatted from redacted values) may pass again;
        // an earlier mask is set aside so that "api-key: [REDACTED]" does not become "api-key: [REDACTED]]".
        var hadMask = text.Contains(SecretRedactor.Mask, StringComparison.Ordinal);
        if (hadMask)
        {
            text = text.Replace(SecretRedactor.Mask, MaskPlaceholder, StringComparison.Ordinal);
        }

        text = secrets.Redact(text, identifiers, extraSecrets);
        return hadMask ? text.Replace(MaskPlaceholder, SecretRedactor.Mask, StringComparison.Ordinal) : text;
    }

    /// <summary>Stands for an earlier mask during a second pass; where a pattern takes it as a secret, it becomes a mask again.</summary>
    private const string MaskPlaceholder = "\u0001";

    /// <summary>
    /// Redacts one structured value by its invariant text: a string becomes its redacted text; any other value (a number, Guid,
    /// enum, date or other object) is kept as it is unless its text holds a secret, and then becomes the redacted text.
    /// </summary>
    public object? RedactValue(string key, object? value, IReadOnlyCollection<string>? extraSecrets)
    {
        switch (value)
        {
            case null:
                return null;
            case object when SecretRedactor.IsSecretName(key):
                return SecretRedactor.Mask;
            case string text:
                // {OriginalFormat} too: an interpolated message ($"...") puts its data in the template.
                return Redact(text, extraSecrets);
            default:
                // Numbers, Guids, enums and dates too: a configured key can be all digits or a Guid.
                var rendered = Convert.ToString(value, CultureInfo.InvariantCulture);
                var redacted = Redact(rendered, extraSecrets);
                return string.Equals(rendered, redacted, StringComparison.Ordinal) ? value : redacted;
        }
    }

    /// <summary>The values logged under secret names (<c>ApiKey</c>, <c>Authorization</c>...), to remove wherever else they appear.</summary>
    public static List<string>? SecretValues(IEnumerable<KeyValuePair<string, object?>> items)
    {
        List<string>? found = null;
        foreach (var (key, value) in items)
        {
            if (value is not null && SecretRedactor.IsSecretName(key)
                && Convert.ToString(value, CultureInfo.InvariantCulture) is { Length: > 0 } text)
            {
                (found ??= []).Add(text);
            }
        }

        return found;
    }

    [GeneratedRegex("""(?<![A-Za-z0-9])[0-9A-Fa-f]{32}(?![A-Za-z0-9])""", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex HexRun();
}
