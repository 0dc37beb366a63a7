using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.Enrichment;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Workflows.Hosting.Tests.Logging;

/// <summary>Which logger factory <c>AddGenAiWorkflowsRedaction()</c> wraps, and what stays registered.</summary>
public sealed class GenAiWorkflowsLoggingBuilderExtensionsTests
{
    private const string PlainKey = "plain-named-secret-31415";

    [Fact]
    public void AddGenAiWorkflowsRedaction_NullBuilder_Throws()
    {
        var ex = Assert.Throws<ArgumentNullException>(() => GenAiWorkflowsLoggingBuilderExtensions.AddGenAiWorkflowsRedaction(null!));

        Assert.Equal("builder", ex.ParamName);
    }

    [Fact]
    public void AddGenAiWorkflowsRedaction_CalledTwice_RegistersEverythingOnceAndOneLoggerFactory()
    {
        var once = new ServiceCollection();
        once.AddLogging(static logging => logging.AddFakeLogging().AddGenAiWorkflowsRedaction());
        var twice = new ServiceCollection();
        twice.AddLogging(static logging => logging.AddFakeLogging().AddGenAiWorkflowsRedaction().AddGenAiWorkflowsRedaction());

        Assert.Equal(once.Count, twice.Count);
        using var provider = twice.BuildServiceProvider();
        var factory = Assert.Single(provider.GetServices<ILoggerFactory>());
        factory.CreateLogger("App").Correlated($"key {PlainKey} api-key: hdr-value-5566 sent");
        var record = Assert.Single(provider.GetRequiredService<FakeLogCollector>().GetSnapshot());
        Assert.Equal($"Correlated key {PlainKey} api-key: [REDACTED] sent.", record.Message);
    }

    [Fact]
    public void AddGenAiWorkflowsRedaction_LogEnricherRegistered_EnrichedTagsReachTheSink()
    {
        var services = new ServiceCollection();
        services.AddLogEnricher(new RegionEnricher());
        services.AddLogging(static logging => logging.AddFakeLogging().AddGenAiWorkflowsRedaction());
        using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<ILoggerFactory>().CreateLogger("App").Correlated("Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig sent");

        var record = Assert.Single(provider.GetRequiredService<FakeLogCollector>().GetSnapshot());
        Assert.Equal("eu-west", record.GetStructuredStateValue("region"));
        Assert.Equal("Correlated Bearer [REDACTED] sent.", record.Message);
    }

    [Fact]
    public void AddGenAiWorkflowsRedaction_LogEnricherAddsSecrets_TagValuesAreRedactedAndOthersKept()
    {
        var services = new ServiceCollection();
        services.AddLogging(static logging => logging.AddFakeLogging().AddGenAiWorkflowsRedaction());
        // Registered after the redaction call: the enrichers are found when the logger factory is created.
        services.AddLogEnricher(new TagsEnricher(
            ("auth", "Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig"), ("ApiKey", "anything-at-all"), ("attempts", 3), ("region", "eu-west")));
        using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<ILoggerFactory>().CreateLogger("App").Correlated("sent");

        var record = Assert.Single(provider.GetRequiredService<FakeLogCollector>().GetSnapshot());
        Assert.Equal("Bearer [REDACTED]", record.GetStructuredStateValue("auth"));
        Assert.Equal("[REDACTED]", record.GetStructuredStateValue("ApiKey"));
        Assert.Equal("3", record.GetStructuredStateValue("attempts"));
        Assert.Equal("eu-west", record.GetStructuredStateValue("region"));
    }

    [Fact]
    public void AddGenAiWorkflowsRedaction_StaticLogEnricherAddsConfiguredKey_TagValueIsRedacted()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["GenAiWorkflows:Providers:openai:ApiKey"] = PlainKey })
            .Build());
        services.AddStaticLogEnricher(new TagsEnricher(("deployment", $"key={PlainKey}"), ("service", "checkout")));
        services.AddLogging(static logging => logging.AddFakeLogging().AddGenAiWorkflowsRedaction());
        using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<ILoggerFactory>().CreateLogger("App").Correlated("sent");

        var record = Assert.Single(provider.GetRequiredService<FakeLogCollector>().GetSnapshot());
        Assert.Equal("key=[REDACTED]", record.GetStructuredStateValue("deployment"));
        Assert.Equal("checkout", record.GetStructuredStateValue("service"));
    }

    [Fact]
    public void AddGenAiWorkflowsRedaction_AppFactoryTypeWithKeyedDependency_IsCreatedWithIt()
    {
        var collector = new FakeLogCollector();
        var services = new ServiceCollection();
        services.AddKeyedSingleton("app-logs", collector);
        services.AddLogging(static logging => logging.EnableRedaction());
        services.AddSingleton<ILoggerFactory, KeyedCollectorLoggerFactory>();
        services.AddLogging(static logging => logging.AddGenAiWorkflowsRedaction());
        using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<ILoggerFactory>().CreateLogger("App").Correlated($"api-key={PlainKey} sent");

        Assert.Equal("Correlated api-key=[REDACTED] sent.", Assert.Single(collector.GetSnapshot()).Message);
    }

    [Fact]
    public void AddGenAiWorkflowsRedaction_AppFactoryInstanceRegisteredLast_WrapsItAndLeavesItsDisposalToTheApp()
    {
        var collector = new FakeLogCollector();
        using var appFactory = new TrackingLoggerFactory(collector, new FactoryLifetime());
        var services = new ServiceCollection();
        services.AddLogging(static logging => logging.EnableRedaction());
        services.AddSingleton<ILoggerFactory>(appFactory);
        services.AddLogging(static logging => logging.AddGenAiWorkflowsRedaction());

        using (var provider = services.BuildServiceProvider())
        {
            var factory = Assert.Single(provider.GetServices<ILoggerFactory>());
            factory.CreateLogger("App").Correlated($"api-key={PlainKey} sent");
        }

        Assert.Equal("Correlated api-key=[REDACTED] sent.", Assert.Single(collector.GetSnapshot()).Message);
        Assert.False(appFactory.Lifetime.Disposed);
    }

    [Fact]
    public void AddGenAiWorkflowsRedaction_AppFactoryTypeRegisteredLast_CreatesItWithItsDependenciesAndDisposesIt()
    {
        var collector = new FakeLogCollector();
        var lifetime = new FactoryLifetime();
        var services = new ServiceCollection().AddSingleton(collector).AddSingleton(lifetime);
        services.AddLogging(static logging => logging.EnableRedaction());
        services.AddSingleton<ILoggerFactory, TrackingLoggerFactory>();
        services.AddLogging(static logging => logging.AddGenAiWorkflowsRedaction());

        using (var provider = services.BuildServiceProvider())
        {
            provider.GetRequiredService<ILoggerFactory>().CreateLogger("App").Correlated($"api-key={PlainKey} sent");
            Assert.False(lifetime.Disposed);
        }

        Assert.Equal("Correlated api-key=[REDACTED] sent.", Assert.Single(collector.GetSnapshot()).Message);
        Assert.True(lifetime.Disposed);
    }

    [Fact]
    public void AddGenAiWorkflowsRedaction_AppFactoryDelegateRegisteredLast_WrapsWhatItCreates()
    {
        var collector = new FakeLogCollector();
        var services = new ServiceCollection();
        services.AddLogging(static logging => logging.EnableRedaction());
        services.AddSingleton<ILoggerFactory>(_ => new TrackingLoggerFactory(collector, new FactoryLifetime()));
        services.AddLogging(static logging => logging.AddGenAiWorkflowsRedaction());
        using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<ILoggerFactory>().CreateLogger("App").Correlated($"api-key={PlainKey} sent");

        Assert.Equal("Correlated api-key=[REDACTED] sent.", Assert.Single(collector.GetSnapshot()).Message);
    }

    [Fact]
    public void AddGenAiWorkflowsRedaction_KeyedLoggerFactory_StaysAsRegistered()
    {
        using var keyed = new TrackingLoggerFactory(new FakeLogCollector(), new FactoryLifetime());
        var services = new ServiceCollection();
        services.AddKeyedSingleton<ILoggerFactory>("audit", keyed);
        services.AddLogging(static logging => logging.AddFakeLogging().AddGenAiWorkflowsRedaction());
        using var provider = services.BuildServiceProvider();

        Assert.Same(keyed, provider.GetRequiredKeyedService<ILoggerFactory>("audit"));
        provider.GetRequiredService<ILoggerFactory>().CreateLogger("App").Correlated($"api-key={PlainKey} sent");
        Assert.Equal("Correlated api-key=[REDACTED] sent.", Assert.Single(provider.GetRequiredService<FakeLogCollector>().GetSnapshot()).Message);
    }

    [Fact]
    public void AddGenAiWorkflowsRedaction_RegisteredFactoryIsNoLoggerFactory_ResolvingSaysItCannotBeWrapped()
    {
        var services = new ServiceCollection();
        services.AddLogging(static logging => logging.EnableRedaction());
        services.Add(new ServiceDescriptor(typeof(ILoggerFactory), "not a logger factory"));
        services.AddLogging(static logging => logging.AddGenAiWorkflowsRedaction());
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<ILoggerFactory>());

        Assert.Equal("The registered ILoggerFactory cannot be wrapped for redaction.", ex.Message);
    }

    [Fact]
    public void AddProvider_OnTheRedactingFactory_ProviderReceivesRedactedEntries()
    {
        using var logs = new RedactedLogs();
        var added = new FakeLogCollector();
        var factory = logs.Services.GetRequiredService<ILoggerFactory>();

        factory.AddProvider(new FakeLoggerProvider(added));
        factory.CreateLogger("App.Added").Correlated($"api-key={PlainKey} sent");

        Assert.Equal("Correlated api-key=[REDACTED] sent.", Assert.Single(added.GetSnapshot()).Message);
    }

    private sealed class RegionEnricher : ILogEnricher
    {
        public void Enrich(IEnrichmentTagCollector collector) => collector.Add("region", "eu-west");
    }

    private sealed class TagsEnricher(params (string Name, object Value)[] tags) : ILogEnricher, IStaticLogEnricher
    {
        public void Enrich(IEnrichmentTagCollector collector)
        {
            foreach (var (name, value) in tags)
            {
                collector.Add(name, value);
            }
        }
    }

    private sealed class KeyedCollectorLoggerFactory([FromKeyedServices("app-logs")] FakeLogCollector collector) : ILoggerFactory
    {
        private readonly FakeLoggerProvider _provider = new(collector);

        public ILogger CreateLogger(string categoryName) => _provider.CreateLogger(categoryName);

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public void Dispose() => _provider.Dispose();
    }

    internal sealed class FactoryLifetime
    {
        public bool Disposed { get; set; }
    }

    private sealed class TrackingLoggerFactory(FakeLogCollector collector, FactoryLifetime lifetime) : ILoggerFactory
    {
        public FactoryLifetime Lifetime => lifetime;

        public ILogger CreateLogger(string categoryName) => new FakeLogger(collector, categoryName);

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public void Dispose() => lifetime.Disposed = true;
    }
}
