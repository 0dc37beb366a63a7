using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Workflows.Providers.OpenAI.Tests;

/// <summary>A container with one OpenAI provider registered the way applications do, plus a fake log collector.</summary>
public sealed class ProviderHarness : IAsyncDisposable
{
    public const string TestApiKey = "sk-test-4f9d2c7a1b8e6053";

    private ProviderHarness(ServiceProvider services, string name)
    {
        Services = services;
        Provider = services.GetRequiredService<ProviderRegistry>().Get(name);
        Logs = services.GetFakeLogCollector();
    }

    public ServiceProvider Services { get; }

    /// <summary>Gets the provider's <see cref="IChatClient"/> as the registry holds it, built by OpenAIChatClientFactory on the registered named HttpClient.</summary>
    public IChatClient Provider { get; }

    /// <summary>Gets the same client as <see cref="Provider"/>.</summary>
    public IChatClient ChatClient => Provider;

    public FakeLogCollector Logs { get; }

    public static ProviderHarness Create(
        Action<OpenAIProviderOptions> configure,
        TimeProvider? timeProvider = null,
        IConfiguration? configuration = null,
        Action<IServiceCollection>? services = null,
        string name = OpenAIProviderOptions.DefaultName,
        LogLevel minimumLevel = LogLevel.Trace)
    {
        var collection = new ServiceCollection();
        collection.AddLogging(logging => logging.SetMinimumLevel(minimumLevel));
        collection.AddFakeLogging();

        // GenAiWorkflows:LogLevel filters the library's own categories (Workflows.*).
        collection.Configure<GenAiWorkflowOptions>(options => options.LogLevel = minimumLevel);
        if (timeProvider is not null)
        {
            collection.AddSingleton(timeProvider);
        }

        if (configuration is not null)
        {
            collection.AddSingleton(configuration);
        }

        collection.AddGenAiWorkflows(wf => wf.AddOpenAIProvider(name, options =>
        {
            options.ApiKey = TestApiKey;
            options.RetryBaseDelay = TimeSpan.FromMilliseconds(10);
            options.RetryMaxDelay = TimeSpan.FromMilliseconds(50);
            configure(options);
        }));
        services?.Invoke(collection);
        return new ProviderHarness(collection.BuildServiceProvider(), name);
    }

    public string AllLogText() => string.Join("\n", Logs.GetSnapshot().Select(static r => $"{r.Level} {r.Id} {r.Category} {r.Message} {r.Exception}"));

    /// <summary>Every log record's message, structured state values, scopes and exception (with inner exceptions), as one text.</summary>
    public string AllLogData() => string.Join("\n", Logs.GetSnapshot().Select(static r =>
        $"{r.Level} {r.Id} {r.Category} {r.Message} {r.Exception} " +
        string.Join(" ", (r.StructuredState ?? []).Select(static p => $"{p.Key}={p.Value}")) + " " +
        string.Join(" ", r.Scopes.Select(static s => s?.ToString()))));

    public ValueTask DisposeAsync() => Services.DisposeAsync();
}
