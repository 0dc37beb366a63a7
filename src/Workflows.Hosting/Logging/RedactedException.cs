namespace Workflows.Hosting;

/// <summary>
/// Stands in for a logged exception whose text held a secret: <see cref="ToString"/>, <see cref="Exception.Message"/>,
/// <see cref="StackTrace"/> and <see cref="Exception.Source"/> are the original's, redacted (the original's type name and
/// inner exceptions included in <see cref="ToString"/>). Exceptions without secrets reach the sinks unchanged.
/// </summary>
internal sealed class RedactedException : Exception
{
    private readonly string _text;
    private readonly string? _stackTrace;

    public RedactedException(Exception original, LogRedactor redactor, IReadOnlyCollection<string>? extraSecrets)
        : base(redactor.Redact(original.Message, extraSecrets))
    {
        _text = redactor.Redact(original.ToString(), extraSecrets);
        _stackTrace = original.StackTrace is { } trace ? redactor.Redact(trace, extraSecrets) : null;
        HResult = original.HResult;
        Source = original.Source is { } source ? redactor.Redact(source, extraSecrets) : null;
    }

    public override string? StackTrace => _stackTrace;

    public override string ToString() => _text;

    /// <summary>The exception to hand to the sinks: the original when its text holds no secret.</summary>
    public static Exception? For(Exception? exception, LogRedactor redactor, IReadOnlyCollection<string>? extraSecrets)
    {
        if (exception is null)
        {
            return null;
        }

        var text = exception.ToString();
        return string.Equals(text, redactor.Redact(text, extraSecrets), StringComparison.Ordinal)
            ? exception
            : new RedactedException(exception, redactor, extraSecrets);
    }
}
