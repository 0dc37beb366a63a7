using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
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

    [Fact]
    public async Task StopAsync_WorkerRegisteredBeforeAddGenAiWorkflows_FinishesItsRunBeforeProvidersAreCleanedUp()
    {
        var provider = new CountingProvider();
        using var test = TestHost.Create();
        test.Services(s => s
            .AddHostedService<RunOnStopWorker>()   // registered first: stopped last by the host (reverse order)
            .AddSingleton(provider)
            .AddGenAiWorkflows(wf => wf
                .AddProvider("counting", _ => provider)
                .AddWorkflow("ask", w => w.AddLlmStep("ask", "hello", provider: "counting"))));
        using var host = test.Build();

        await host.StartAsync().WaitAsync(TestHost.Timeout);
        var worker = host.Services.GetServices<IHostedService>().OfType<RunOnStopWorker>().Single();
        Assert.Equal(1, worker.InitializationsSeenAtStart);
        await host.StopAsync().WaitAsync(TestHost.Timeout);

        var result = await worker.StopRun.WaitAsync(TestHost.Timeout);
        Assert.Equal(WorkflowStatus.Completed, result.Status);
        Assert.Equal("counted: hello", result.Output);
        Assert.Equal(0, worker.CleanupsSeenAtStop);
        Assert.Equal(1, provider.Cleanups);
    }

    /// <summary>A worker that checks the provider is up when it starts and runs a workflow while the host stops.</summary>
    private sealed class RunOnStopWorker(IWorkflowEngine engine, CountingProvider provider) : BackgroundService
    {
        private readonly TaskCompletionSource<WorkflowResult> _stopRun = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<WorkflowResult> StopRun => _stopRun.Task;

        public int InitializationsSeenAtStart { get; private set; } = -1;

        public int CleanupsSeenAtStop { get; private set; } = -1;

        public override Task StartAsync(CancellationToken cancellationToken)
        {
            InitializationsSeenAtStart = provider.Initializations;
            return base.StartAsync(cancellationToken);
        }

        public override async Task StopAsync(CancellationToken cancellationToken)
        {
            await base.StopAsync(cancellationToken);
            var result = await engine.ExecuteAsync("ask", cancellationToken: cancellationToken);
            CleanupsSeenAtStop = provider.Cleanups;
            _stopRun.TrySetResult(result);
        }

        protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.Delay(Timeout.Infinite, stoppingToken);
    }
}
