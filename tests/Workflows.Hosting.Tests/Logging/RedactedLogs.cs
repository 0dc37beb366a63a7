using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Workflows.Hosting.Tests.Logging;

/// <summary>
/// A container with two log sinks behind <c>AddGenAiWorkflowsRedaction()</c>, a <see cref="FakeLogCollector"/> and a
/// provider that keeps each entry's structured values as objects (the collector keeps them as strings): what a test logs
/// through <see cref="Logger"/> is what any sink would receive.
/// </summary>
internal sealed class RedactedLogs : IDisposable
{
    private readonly ServiceProvider _provider;
    private readonly StateCapture _states = new();

    public RedactedLogs(IDictionary<string, string?>? configuration = null, Action<IServiceCollection>? configureServices = null)
    {
        var services = new ServiceCollection();
        if (configuration is not null)
        {
            services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(configuration).Build());
        }

        services.AddLogging(logging => logging.AddFakeLogging().AddProvider(_states).AddGenAiWorkflowsRedaction());
        configureServices?.Invoke(services);
        _provider = services.BuildServiceProvider();
        Logger = _provider.GetRequiredService<ILoggerFactory>().CreateLogger("App.Redacted");
    }

    public ILogger Logger { get; }

    public IServiceProvider Services => _provider;

    public IReadOnlyList<FakeLogRecord> Records => _provider.GetRequiredService<FakeLogCollector>().GetSnapshot();

    public FakeLogRecord Single => Assert.Single(Records);

    /// <summary>The structured values of the only entry, as the objects a sink receives.</summary>
    public IReadOnlyList<KeyValuePair<string, object?>> Values => Assert.Single(_states.Entries);

    public object? Value(string key) => Assert.Single(Values, kv => kv.Key == key).Value;

    public void Dispose() => _provider.Dispose();

    private sealed class StateCapture : ILoggerProvider, ILogger
    {
        public List<KeyValuePair<string, object?>[]> Entries { get; } = [];

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Entries)
            {
                Entries.Add(state is IReadOnlyList<KeyValuePair<string, object?>> values ? [.. values] : []);
            }
        }

        public void Dispose()
        {
        }
    }
}
