using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Workflows.Hosting.Tests.TestSupport;

namespace Workflows.Hosting.Tests.HealthChecks;

public sealed class ProvidersHealthCheckTests
{
    [Fact]
    public async Task AddGenAiWorkflowsProviders_AcrossTheHostLifecycle_ReportsEachProviderAndWhetherItInitialized()
    {
        using var test = TestHost.Create();
        test.Services(static s =>
        {
            s.AddGenAiWorkflows(static wf => wf.AddProvider("counting", static _ => new CountingProvider()));
            s.AddHealthChecks().AddGenAiWorkflowsProviders();
        });
        using var host = test.Build();
        var health = host.Services.GetRequiredService<HealthCheckService>();

        var before = (await health.CheckHealthAsync()).Entries[GenAiWorkflowsHealthChecksBuilderExtensions.ProvidersCheckName];
        await host.StartAsync().WaitAsync(TestHost.Timeout);
        var running = (await health.CheckHealthAsync()).Entries[GenAiWorkflowsHealthChecksBuilderExtensions.ProvidersCheckName];
        await host.StopAsync().WaitAsync(TestHost.Timeout);
        var after = (await health.CheckHealthAsync()).Entries[GenAiWorkflowsHealthChecksBuilderExtensions.ProvidersCheckName];

        Assert.Equal(HealthStatus.Unhealthy, before.Status);
        Assert.Equal("not initialized", before.Data["counting"]);
        Assert.Equal(HealthStatus.Healthy, running.Status);
        Assert.Equal(["mock", "counting"], running.Data.Keys);
        Assert.All(running.Data.Values, static v => Assert.Equal("initialized", v));
        Assert.Equal(HealthStatus.Unhealthy, after.Status);
    }

    [Fact]
    public async Task AddGenAiWorkflowsProviders_AcrossTheHostLifecycle_DescribesEachState()
    {
        using var test = TestHost.Create();
        test.Services(static s =>
        {
            s.AddGenAiWorkflows(static wf => wf.AddProvider("counting", static _ => new CountingProvider()));
            s.AddHealthChecks().AddGenAiWorkflowsProviders();
        });
        using var host = test.Build();
        var health = host.Services.GetRequiredService<HealthCheckService>();

        var before = await CheckAsync(health, GenAiWorkflowsHealthChecksBuilderExtensions.ProvidersCheckName);
        await host.StartAsync().WaitAsync(TestHost.Timeout);
        var running = await CheckAsync(health, GenAiWorkflowsHealthChecksBuilderExtensions.ProvidersCheckName);
        await host.StopAsync().WaitAsync(TestHost.Timeout);
        var after = await CheckAsync(health, GenAiWorkflowsHealthChecksBuilderExtensions.ProvidersCheckName);

        Assert.Equal("The providers are not initialized yet (the host has not started).", before.Description);
        Assert.Equal("2 providers initialized.", running.Description);
        Assert.Equal("The host stopped; the providers are cleaned up.", after.Description);
        Assert.Equal(["mock", "counting"], after.Data.Keys);
        Assert.All(after.Data.Values, static v => Assert.Equal("not initialized", v));
        Assert.Null(running.Exception);
    }

    [Fact]
    public async Task AddGenAiWorkflowsProviders_ProviderFailedToInitialize_ReportsUnhealthyWithTheError()
    {
        var failure = new InvalidOperationException("API key rejected");
        using var test = TestHost.Create();
        test.Services(s =>
        {
            s.AddGenAiWorkflows(wf => wf.AddProvider("flaky", _ => new CountingProvider { InitializeFailure = failure }));
            s.AddHealthChecks().AddGenAiWorkflowsProviders();
        });
        using var host = test.Build();
        await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync().WaitAsync(TestHost.Timeout));

        var entry = await CheckAsync(host.Services.GetRequiredService<HealthCheckService>(), GenAiWorkflowsHealthChecksBuilderExtensions.ProvidersCheckName);

        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Equal("A provider failed to initialize.", entry.Description);
        Assert.NotNull(entry.Exception);
        Assert.Contains("API key rejected", entry.Exception.Message, StringComparison.Ordinal);
        Assert.Equal("not initialized", entry.Data["flaky"]);
    }

    [Fact]
    public async Task AddGenAiWorkflowsProviders_WithoutAddGenAiWorkflows_ReportsUnhealthySayingSo()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddHealthChecks().AddGenAiWorkflowsProviders();
        await using var provider = services.BuildServiceProvider();

        var entry = await CheckAsync(provider.GetRequiredService<HealthCheckService>(), GenAiWorkflowsHealthChecksBuilderExtensions.ProvidersCheckName);

        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Equal("AddGenAiWorkflows() was not called, or the container has no hosted services.", entry.Description);
        Assert.Empty(entry.Data);
    }

    [Fact]
    public async Task AddGenAiWorkflowsProviders_NameAndTags_RegistersTheCheckUnderThem()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddGenAiWorkflows();
        services.AddHealthChecks().AddGenAiWorkflowsProviders("llm", ["ready", "llm"]);
        await using var provider = services.BuildServiceProvider();

        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        var (name, entry) = Assert.Single(report.Entries);
        Assert.Equal("llm", name);
        Assert.Equal(["ready", "llm"], entry.Tags);
        Assert.Equal("genai-workflows-providers", GenAiWorkflowsHealthChecksBuilderExtensions.ProvidersCheckName);
    }

    [Fact]
    public void AddGenAiWorkflowsProviders_NullBuilderOrBlankName_Throws()
    {
        var builder = new ServiceCollection().AddHealthChecks();

        Assert.Equal("builder", Assert.Throws<ArgumentNullException>(() => GenAiWorkflowsHealthChecksBuilderExtensions.AddGenAiWorkflowsProviders(null!)).ParamName);
        Assert.Equal("name", Assert.Throws<ArgumentException>(() => builder.AddGenAiWorkflowsProviders(" ")).ParamName);
    }

    private static async Task<HealthReportEntry> CheckAsync(HealthCheckService health, string name) =>
        (await health.CheckHealthAsync().WaitAsync(TestHost.Timeout)).Entries[name];
}
