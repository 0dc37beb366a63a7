using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Workflows.Hosting.Tests.Logging;

/// <summary>Console.Out is process-wide: the tests that redirect it run alone, never beside another test.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleCollection
{
    public const string Name = "Console output";
}

/// <summary>Runs code against a container whose only log sink is the real JSON console logger, and returns what it wrote.</summary>
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
            services.AddLogging(logging => logging.AddGenAiWorkflowsJsonLogging());
            var workflows = services.AddGenAiWorkflows();
            configureWorkflows?.Invoke(workflows);

            // Disposing the container disposes the console logger, which drains its queue to the writer.
            await using (var provider = services.BuildServiceProvider())
            {
                await act(provider);
            }
        }
        finally
        {
            Console.SetOut(original);
        }

        return new CapturedOutput(writer.ToString());
    }
}

internal sealed class CapturedOutput(string text)
{
    public string Text { get; } = text;

    /// <summary>Every non-empty line, each parsed as one JSON object (throws when a line is not).</summary>
    public IReadOnlyList<JsonElement> Lines { get; } =
        [.. text.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries).Select(static line => JsonDocument.Parse(line).RootElement.Clone())];

    public IEnumerable<JsonElement> Events(string eventName) =>
        Lines.Where(l => l.TryGetProperty("EventName", out var name) && name.GetString() == eventName);
}
