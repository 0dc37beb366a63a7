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
}
