namespace Workflows.Providers.OpenAI;

/// <summary>
/// Removes the secrets of one provider (the API key and the password of the endpoint's user information, also in their
/// URL-escaped forms) from text that came from the server or the network stack, before it goes into any message or log.
/// </summary>
internal sealed class Redactor
{
    public const string Mask = "***";

    private readonly string[] _secrets;

    public Redactor(string? apiKey, Uri? endpoint)
    {
        var secrets = new List<string>();
        Add(secrets, apiKey, minLength: 8);
        if (endpoint is { IsAbsoluteUri: true })
        {
            var separator = endpoint.UserInfo.IndexOf(':', StringComparison.Ordinal);
            if (separator >= 0)
            {
                Add(secrets, endpoint.UserInfo[(separator + 1)..], minLength: 4);
            }

            Add(secrets, endpoint.UserInfo, minLength: 4);
        }

        // Longest first, so that a secret containing another is masked whole.
        _secrets = [.. secrets.Distinct(StringComparer.Ordinal).OrderByDescending(static s => s.Length)];
    }

    /// <summary>Masks every secret in <paramref name="text"/>.</summary>
    public string Redact(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var secret in _secrets)
        {
            text = text.Replace(secret, Mask, StringComparison.Ordinal);
        }

        return text;
    }

    /// <summary>Masks every secret in <paramref name="text"/>; <see langword="null"/> stays <see langword="null"/>.</summary>
    public string? RedactOrNull(string? text) => text is null ? null : Redact(text);

    /// <summary>Gets <paramref name="endpoint"/> without its user information (user name and password).</summary>
    public static Uri WithoutUserInfo(Uri endpoint) =>
        endpoint.IsAbsoluteUri && endpoint.UserInfo.Length > 0
            ? new UriBuilder(endpoint) { UserName = string.Empty, Password = string.Empty }.Uri
            : endpoint;

    private static void Add(List<string> secrets, string? secret, int minLength)
    {
        if (string.IsNullOrEmpty(secret) || secret.Length < minLength)
        {
            return; // a short placeholder ('none' for a local server that checks no key) would mask ordinary words
        }

        secrets.Add(secret);
        var escaped = Uri.EscapeDataString(secret);
        if (!string.Equals(escaped, secret, StringComparison.Ordinal))
        {
            secrets.Add(escaped);
        }

        var unescaped = Uri.UnescapeDataString(secret);
        if (!string.Equals(unescaped, secret, StringComparison.Ordinal))
        {
            secrets.Add(unescaped);
        }
    }
}

/// <summary>
/// Stands in for an exception whose message may hold a secret (an SDK exception quoting the raw body): same type name,
/// redacted message, same stack trace, inner exceptions sanitized the same way.
/// </summary>
internal sealed class SanitizedException : Exception
{
    private readonly string? _stackTrace;

    public SanitizedException()
    {
    }

    public SanitizedException(string message)
        : base(message)
    {
    }

    public SanitizedException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    private SanitizedException(Exception original, Redactor redactor)
        : base(
            $"{original.GetType().FullName}: {redactor.Redact(original.Message)}",
            original.InnerException is null ? null : new SanitizedException(original.InnerException, redactor))
    {
        _stackTrace = original.StackTrace;
        HResult = original.HResult;
        OriginalType = original.GetType();
    }

    /// <summary>Gets the type of the exception this one stands in for.</summary>
    public Type? OriginalType { get; }

    public override string? StackTrace => _stackTrace ?? base.StackTrace;

    public static SanitizedException From(Exception original, Redactor redactor)
    {
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(redactor);
        return original as SanitizedException ?? new SanitizedException(original, redactor);
    }
}
