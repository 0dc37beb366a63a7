using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Workflows.Hosting.Tests.TestSupport;

namespace Workflows.Hosting.Tests.Registration;

public sealed class WorkflowsHostedServiceTests
{
    [Fact]
    public async Task StartAsync_InitializesProvidersAndStopAsyncCleansThemUp()
    {
        var provider = new CountingProvider();
        using var test = TestHost.Create();
        test.Services(s => s.AddGenAiWorkflows(wf => wf.AddProvider("counting", _ => provider)));
        using var host = test.Build();
        Assert.Equal(0, provider.Initializations);

        await host.StartAsync().WaitAsync(TestHost.Timeout);
        Assert.Equal(1, provider.Initializations);
        Assert.Equal(0, provider.Cleanups);

        await host.StopAsync().WaitAsync(TestHost.Timeout);
        Assert.Equal(1, provider.Cleanups);
        Assert.Equal(1, provider.Initializations);
    }

    [Fact]
    public async Task StartAsync_ProviderInitializationFails_ThrowsNamingProvider()
    {
        var provider = new CountingProvider { InitializeFailure = new InvalidOperationException("API key rejected") };
        using var test = TestHost.Create();
        test.Services(s => s.AddGenAiWorkflows(wf => wf.AddProvider("flaky", _ => provider)));
        using var host = test.Build();

        var ex = await Assert.ThrowsAsync<PluginException>(() => host.StartAsync().WaitAsync(TestHost.Timeout));

        Assert.Equal("flaky", ex.PluginName);
        Assert.Contains("'flaky'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("API key rejected", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_ConfiguredTimeoutSeconds_TimesOutRun()
    {
        var time = new FakeTimeProvider();
        var waiting = new WaitForCancellationStep("wait");
        using var test = TestHost.Create();
        test.Configure(("GenAiWorkflows:TimeoutSeconds", "2"));
        test.Services(s => s
            .AddSingleton<TimeProvider>(time)
            .AddGenAiWorkflows(wf => wf.AddWorkflow(new Workflow("slow", [new TransformStep("first", static _ => "kept"), waiting]))));
        using var host = test.Build();
        await host.StartAsync().WaitAsync(TestHost.Timeout);
        var engine = host.Services.GetRequiredService<IWorkflowEngine>();

        var run = engine.ExecuteAsync("slow");
        await waiting.Started.WaitAsync(TestHost.Timeout);
        time.Advance(TimeSpan.FromSeconds(2));
        var result = await run.WaitAsync(TestHost.Timeout);

        Assert.Equal(WorkflowStatus.TimedOut, result.Status);
        Assert.Equal("kept", result.Output);
        Assert.Equal(TimeSpan.FromSeconds(2), result.Metrics.Duration);
        await host.StopAsync().WaitAsync(TestHost.Timeout);
    }
}
