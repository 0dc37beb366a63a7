using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Workflows.Hosting;

/// <summary>
/// A console formatter that writes one JSON object per line in the shape of the built-in JSON console formatter
/// (<c>Timestamp</c>, <c>EventId</c>, <c>EventName</c>, <c>LogLevel</c>, <c>Category</c>, <c>Message</c>, <c>Exception</c>,
/// <c>State</c>, <c>Scopes</c>) with every string passed through a <see cref="SecretRedactor"/>: the message, each state and
/// scope value, and the whole exception text (inner exceptions and stack traces included).
/// </summary>
internal sealed class RedactingJsonConsoleFormatter : ConsoleFormatter, IDisposable
{
    public const string FormatterName = "genai-json";

    /// <summary>Keys whose values are identifiers that may look like a 32-hex-character key but are not secrets.</summary>
    private static readonly HashSet<string> IdentifierKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        "CorrelationId", "TraceId", "SpanId", "ParentId", "WorkflowId", "RunId",
    };

    private readonly SecretRedactor _redactor;
    private readonly TimeProvider _timeProvider;
    private readonly IDisposable? _reload;
    private JsonConsoleFormatterOptions _options;

    public RedactingJsonConsoleFormatter(IOptionsMonitor<JsonConsoleFormatterOptions> options, SecretRedactor redactor, TimeProvider timeProvider)
        : base(FormatterName)
    {
        _redactor = redactor;
        _timeProvider = timeProvider;
        _options = options.CurrentValue;
        _reload = options.OnChange(updated => _options = updated);
    }

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        if (logEntry.Exception is null && message is null)
        {
            return;
        }

        var options = _options;
        var scopes = options.IncludeScopes ? scopeProvider : null;
        var context = EntryContext.Collect(logEntry.State, scopes);
        var buffer = new ArrayBufferWriter<byte>(1024);
        var writerOptions = new JsonWriterOptions
        {
            Encoder = options.JsonWriterOptions.Encoder,
            MaxDepth = options.JsonWriterOptions.MaxDepth,
            Indented = false, // one object per line, always
            SkipValidation = false,
        };
        using (var writer = new Utf8JsonWriter(buffer, writerOptions))
        {
            writer.WriteStartObject();
            if (options.TimestampFormat is { } format)
            {
                var now = options.UseUtcTimestamp ? _timeProvider.GetUtcNow() : _timeProvider.GetLocalNow();
                writer.WriteString("Timestamp", now.ToString(format, CultureInfo.InvariantCulture));
            }

            writer.WriteNumber("EventId", logEntry.EventId.Id);
            if (logEntry.EventId.Name is { } eventName)
            {
                writer.WriteString("EventName", eventName);
            }

            writer.WriteString("LogLevel", LevelName(logEntry.LogLevel));
            writer.WriteString("Category", logEntry.Category);
            writer.WriteString("Message", Redact(message, context));
            if (logEntry.Exception is { } exception)
            {
                writer.WriteString("Exception", Redact(exception.ToString(), context));
            }

            if (logEntry.State is IReadOnlyCollection<KeyValuePair<string, object?>> state)
            {
                writer.WriteStartObject("State");
                writer.WriteString("Message", Redact(logEntry.State.ToString(), context));
                foreach (var item in state)
                {
                    WriteItem(writer, item, context);
                }

                writer.WriteEndObject();
            }

            if (scopes is not null)
            {
                writer.WriteStartArray("Scopes");
                scopes.ForEachScope(
                    (scope, w) =>
                    {
                        if (scope is IEnumerable<KeyValuePair<string, object?>> items)
                        {
                            w.WriteStartObject();
                            w.WriteString("Message", Redact(scope.ToString(), context));
                            foreach (var item in items)
                            {
                                WriteItem(w, item, context);
                            }

                            w.WriteEndObject();
                        }
                        else
                        {
                            w.WriteStringValue(Redact(ToInvariantString(scope), context));
                        }
                    },
                    writer);
                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }

        textWriter.Write(Encoding.UTF8.GetString(buffer.WrittenSpan));
        textWriter.Write(Environment.NewLine);
    }

    public void Dispose() => _reload?.Dispose();

    private string Redact(string? text, EntryContext context) => _redactor.Redact(text, context.Identifiers, context.Secrets);

    private void WriteItem(Utf8JsonWriter writer, KeyValuePair<string, object?> item, EntryContext context)
    {
        var key = item.Key;
        switch (item.Value)
        {
            case null:
                writer.WriteNull(key);
                break;
            case object when SecretRedactor.IsSecretName(key):
                writer.WriteString(key, SecretRedactor.Mask);
                break;
            case bool value:
                writer.WriteBoolean(key, value);
                break;
            case byte or sbyte or short or ushort or int or uint or long:
                writer.WriteNumber(key, Convert.ToInt64(item.Value, CultureInfo.InvariantCulture));
                break;
            case ulong value:
                writer.WriteNumber(key, value);
                break;
            case decimal value:
                writer.WriteNumber(key, value);
                break;
            case float or double when double.IsFinite(Convert.ToDouble(item.Value, CultureInfo.InvariantCulture)):
                writer.WriteNumber(key, Convert.ToDouble(item.Value, CultureInfo.InvariantCulture));
                break;
            default:
                writer.WriteString(key, Redact(ToInvariantString(item.Value), context));
                break;
        }
    }

    private static string? ToInvariantString(object? value) => Convert.ToString(value, CultureInfo.InvariantCulture);

    private static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Trace => nameof(LogLevel.Trace),
        LogLevel.Debug => nameof(LogLevel.Debug),
        LogLevel.Information => nameof(LogLevel.Information),
        LogLevel.Warning => nameof(LogLevel.Warning),
        LogLevel.Error => nameof(LogLevel.Error),
        LogLevel.Critical => nameof(LogLevel.Critical),
        _ => level.ToString(),
    };

    /// <summary>
    /// What one entry tells the redactor: identifiers to keep (trace and correlation ids) and values of secret-named keys
    /// to remove wherever else they appear (for example in the rendered message).
    /// </summary>
    private sealed class EntryContext
    {
        public List<string>? Identifiers { get; private set; }

        public List<string>? Secrets { get; private set; }

        public static EntryContext Collect<TState>(TState state, IExternalScopeProvider? scopes)
        {
            var context = new EntryContext();
            if (state is IEnumerable<KeyValuePair<string, object?>> items)
            {
                context.Add(items);
            }

            scopes?.ForEachScope(
                static (scope, ctx) =>
                {
                    if (scope is IEnumerable<KeyValuePair<string, object?>> scopeItems)
                    {
                        ctx.Add(scopeItems);
                    }
                },
                context);
            return context;
        }

        private void Add(IEnumerable<KeyValuePair<string, object?>> items)
        {
            foreach (var (key, value) in items)
            {
                if (value is null || ToInvariantString(value) is not { Length: > 0 } text)
                {
                    continue;
                }

                if (SecretRedactor.IsSecretName(key))
                {
                    (Secrets ??= []).Add(text);
                }
                else if (IdentifierKeys.Contains(key))
                {
                    (Identifiers ??= []).Add(text);
                }
            }
        }
    }
}
