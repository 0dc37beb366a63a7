using System.Collections;
using Microsoft.Extensions.Compliance.Redaction;
using Microsoft.Extensions.Logging;

namespace Workflows.Hosting;

/// <summary>
/// Wraps the application's <see cref="ILoggerFactory"/> (with <c>EnableRedaction()</c>, the extended logger factory) so that
/// every entry is redacted once, before it fans out to the logging providers: every sink (console, OpenTelemetry, files,
/// test collectors) receives the same redacted message, structured values, scopes and exception text.
/// </summary>
/// <remarks>
/// Entries of the extended <c>[LoggerMessage]</c> generator (<see cref="LoggerMessageState"/>): each data-classified
/// parameter is redacted by the Microsoft.Extensions.Compliance redactor of its classification (<see cref="IRedactorProvider"/>),
/// the way the extended logger does it, and the message is formatted from the redacted values; the unclassified values
/// and the message then go through the library's rule like any other entry. The providers receive a plain list of the
/// redacted values whose <c>ToString()</c> is the message (the extended logger's own state renders as its type name in
/// the JSON console formatter).
/// </remarks>
internal sealed class RedactingLoggerFactory(ILoggerFactory inner, LogRedactor redactor, IRedactorProvider? redactors) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) => new RedactingLogger(inner.CreateLogger(categoryName), redactor, redactors);

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    public void Dispose() => inner.Dispose();

    private sealed class RedactingLogger(ILogger inner, LogRedactor redactor, IRedactorProvider? redactors) : ILogger
    {
        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull
        {
            switch (state)
            {
                case IEnumerable<KeyValuePair<string, object?>> pairs:
                    var items = pairs as IReadOnlyList<KeyValuePair<string, object?>> ?? [.. pairs];
                    var secrets = LogRedactor.SecretValues(items);
                    var text = state.ToString();
                    var message = text == state.GetType().ToString() ? null : redactor.Redact(text, secrets);
                    return inner.BeginScope(new RedactedState(Redact(items, secrets), message));
                case string plain:
                    return inner.BeginScope(redactor.Redact(plain));
                default:
                    var rendered = state.ToString();
                    var redacted = redactor.Redact(rendered);
                    return string.Equals(rendered, redacted, StringComparison.Ordinal) ? inner.BeginScope(state) : inner.BeginScope(redacted);
            }
        }

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!inner.IsEnabled(logLevel))
            {
                return;
            }

            if (state is LoggerMessageState extended && redactors is not null)
            {
                LogExtended(logLevel, eventId, extended, exception, () => formatter(state, exception));
                return;
            }

            var items = state as IReadOnlyList<KeyValuePair<string, object?>>;
            var secrets = items is null ? null : LogRedactor.SecretValues(items);
            var message = redactor.Redact(formatter(state, exception), secrets);
            var redactedState = new RedactedState(items is null ? [] : Redact(items, secrets), message);
            inner.Log(logLevel, eventId, redactedState, RedactedException.For(exception, redactor, secrets), static (s, _) => s.Message);
        }

        private void LogExtended(
            LogLevel logLevel, EventId eventId, LoggerMessageState state, Exception? exception, Func<string> format)
        {
            var tags = state.TagArray;
            var classified = state.ClassifiedTagArray;
            var redacted = state.RedactedTagArray;
            var tagCount = Math.Min(state.TagsCount, tags.Length);
            var classifiedCount = Math.Min(state.ClassifiedTagsCount, Math.Min(classified.Length, redacted.Length));
            var secrets = LogRedactor.SecretValues(tags.Take(tagCount));

            var items = new KeyValuePair<string, object?>[tagCount + classifiedCount];
            for (var i = 0; i < tagCount; i++)
            {
                items[i] = new(tags[i].Key, redactor.RedactValue(tags[i].Key, tags[i].Value, secrets));
            }

            // The generated formatter reads the classified values from RedactedTagArray.
            for (var i = 0; i < classifiedCount; i++)
            {
                var tag = classified[i];
                var text = tag.Value is null ? null : redactors!.GetRedactor(tag.Classifications)
                    .Redact(Convert.ToString(tag.Value, System.Globalization.CultureInfo.InvariantCulture));
                redacted[i] = new(tag.Name, text);
                items[tagCount + i] = new(tag.Name, text is null ? null : redactor.Redact(text, secrets));
            }

            var redactedState = new RedactedState(items, redactor.Redact(format(), secrets));
            var redactedException = RedactedException.For(exception, redactor, secrets);
            inner.Log(logLevel, eventId, redactedState, redactedException, static (s, _) => s.Message);
        }

        private KeyValuePair<string, object?>[] Redact(IReadOnlyList<KeyValuePair<string, object?>> items, List<string>? secrets)
        {
            var result = new KeyValuePair<string, object?>[items.Count];
            for (var i = 0; i < result.Length; i++)
            {
                var (key, value) = items[i];
                result[i] = new(key, redactor.RedactValue(key, value, secrets));
            }

            return result;
        }
    }

    /// <summary>A redacted copy of an entry's (or a scope's) structured values; <see cref="ToString"/> is the redacted message.</summary>
    /// <remarks>A scope without a message of its own (a dictionary) renders as its values, the way the console formatter shows it.</remarks>
    private sealed class RedactedState(KeyValuePair<string, object?>[] items, string? message) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public string Message { get; } = message ?? string.Join(", ", items.Select(static kv => $"{kv.Key}:{kv.Value}"));

        public int Count => items.Length;

        public KeyValuePair<string, object?> this[int index] => items[index];

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object?>>)items).GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => Message;
    }
}
