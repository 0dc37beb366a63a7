using System.Collections;
using Microsoft.Extensions.Logging;

namespace Workflows.Hosting;

/// <summary>
/// Wraps the application's <see cref="ILoggerFactory"/> (with <c>EnableRedaction()</c>, the extended logger factory) so that
/// every entry is redacted once, before it fans out to the logging providers: every sink (console, OpenTelemetry, files,
/// test collectors) receives the same redacted message, structured values, scopes and exception text.
/// </summary>
/// <remarks>
/// Entries of the extended <c>[LoggerMessage]</c> generator (<see cref="LoggerMessageState"/>) keep their state, so that
/// data-classified parameters are redacted by the redactor configured for their classification; their unclassified values
/// are redacted in place and their message is redacted after it is formatted.
/// </remarks>
internal sealed class RedactingLoggerFactory(ILoggerFactory inner, LogRedactor redactor) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) => new RedactingLogger(inner.CreateLogger(categoryName), redactor);

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    public void Dispose() => inner.Dispose();

    private sealed class RedactingLogger(ILogger inner, LogRedactor redactor) : ILogger
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

            if (state is LoggerMessageState extended)
            {
                var tags = extended.TagArray;
                var count = Math.Min(extended.TagsCount, tags.Length);
                var extendedSecrets = LogRedactor.SecretValues(tags.Take(count));
                for (var i = 0; i < count; i++)
                {
                    tags[i] = new(tags[i].Key, redactor.RedactValue(tags[i].Key, tags[i].Value, extendedSecrets));
                }

                inner.Log(logLevel, eventId, state, RedactedException.For(exception, redactor, extendedSecrets),
                    (s, e) => redactor.Redact(formatter(s, e), extendedSecrets));
                return;
            }

            var items = state as IReadOnlyList<KeyValuePair<string, object?>>;
            var secrets = items is null ? null : LogRedactor.SecretValues(items);
            var message = redactor.Redact(formatter(state, exception), secrets);
            var redactedState = new RedactedState(items is null ? [] : Redact(items, secrets), message);
            inner.Log(logLevel, eventId, redactedState, RedactedException.For(exception, redactor, secrets), static (s, _) => s.Message);
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
