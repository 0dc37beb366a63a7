using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Workflows.Hosting.Tests.Logging;

/// <summary>Console.Out is process-wide: the tests that redirect it run alone, never beside another test.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleCollection
{
    public const string Name = "Console output";
}

/// <summary>
/// Runs code against a container with two log sinks, the standard JSON console logger (<c>AddJsonConsole</c>) and a
/// <see cref="FakeLogCollector"/>, both behind <c>AddGenAiWorkflowsRedaction()</c>, and returns what each received.
/// </summary>
internal static class ConsoleCapture
{
    public static async Task<CapturedOutput> RunAsync(
        IDictionary<string, string?> configuration, Func<IServiceProvider, Task> act, Action<IWorkflowsBuilder>? configureWorkflows = null)
    {
        var original = Console.Out;
        using var writer = new StringWriter();
        Console.SetOut(writer);
        try
        {
            var services = new ServiceCollection();
            services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(configuration).Build());
            services.AddLogging(logging => logging
                .AddJsonConsole(static o => o.IncludeScopes = true)
                .AddFakeLogging()
                .AddGenAiWorkflowsRedaction());
            var workflows = services.AddGenAiWorkflows();
            configureWorkflows?.Invoke(workflows);

            // Disposing the container disposes the console logger, which drains its queue to the writer.
            IReadOnlyList<FakeLogRecord> records;
            await using (var provider = services.BuildServiceProvider())
            {
                await act(provider);
                records = provider.GetRequiredService<FakeLogCollector>().GetSnapshot();
            }

            return new CapturedOutput(writer.ToString(), records);
        }
        finally
        {
            Console.SetOut(original);
        }
    }
}

internal sealed class CapturedOutput(string text, IReadOnlyList<FakeLogRecord> records)
{
    public string Text { get; } = text;

    /// <summary>What the second sink (the fake logger) received.</summary>
    public IReadOnlyList<FakeLogRecord> Records { get; } = records;

    /// <summary>Everything the second sink holds as text: messages, structured values, scopes and exception text.</summary>
    public string RecordsText => string.Join(
        Environment.NewLine,
        Records.Select(static r => string.Join(
            " | ",
            new[] { r.Message, r.Exception?.ToString(), r.Exception?.Message, r.Exception?.StackTrace }
                .Concat(r.StructuredState?.Select(static kv => $"{kv.Key}={kv.Value}") ?? [])
                .Concat(r.Scopes.Select(static scope => scope is IEnumerable<KeyValuePair<string, object?>> items
                    ? string.Join(",", items.Select(static kv => $"{kv.Key}={kv.Value}"))
                    : scope?.ToString())))));

    /// <summary>Every non-empty line, each parsed as one JSON object (throws when a line is not).</summary>
    public IReadOnlyList<JsonElement> Lines { get; } =
        [.. text.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries).Select(static line => JsonDocument.Parse(line).RootElement.Clone())];

    /// <summary>The console lines of one event (the standard JSON formatter writes the event id, not its name).</summary>
    public IEnumerable<JsonElement> Events(int eventId) =>
        Lines.Where(l => l.TryGetProperty("EventId", out var id) && id.GetInt32() == eventId);
}
