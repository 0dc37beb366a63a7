using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Polly;
using Polly.Retry;

namespace Workflows.Hosting.Tests.Registration;

/// <summary>A provider written outside the library, as a user would: it needs a service from the container.</summary>
public sealed class UppercaseProvider : TestChatClient, IProviderLifecycle
{
    private readonly Counters _counters;

    public UppercaseProvider(Counters counters)
    {
        _counters = counters;
        ProviderName = "uppercase";
    }

    public Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        _counters.OnInitialized();
        return Task.CompletedTask;
    }

    public Task CleanupAsync(CancellationToken cancellationToken = default)
    {
        _counters.OnCleanedUp();
        return Task.CompletedTask;
    }

    protected override Task<ChatResponse> RespondAsync(IReadOnlyList<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken) =>
        messages[^1].Text.Contains("explode", StringComparison.Ordinal)
            ? throw new InvalidOperationException("provider bug")
            : Task.FromResult(Reply(messages[^1].Text.ToUpperInvariant(), options?.ModelId, new UsageDetails { InputTokenCount = 3, OutputTokenCount = 4, TotalTokenCount = 7 }));

    public sealed class Counters
    {
        private int _initialized;
        private int _cleanedUp;

        public int Initialized => Volatile.Read(ref _initialized);

        public int CleanedUp => Volatile.Read(ref _cleanedUp);

        public void OnInitialized() => Interlocked.Increment(ref _initialized);

        public void OnCleanedUp() => Interlocked.Increment(ref _cleanedUp);
    }
}

public sealed class FailingInitProvider : TestChatClient, IProviderLifecycle
{
    public Task InitializeAsync(CancellationToken cancellationToken = default) =>
        throw new InvalidOperationException("cannot reach the model server");

    public Task CleanupAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    protected override Task<ChatResponse> RespondAsync(IReadOnlyList<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken) =>
        Task.FromResult(TestChatClient.Reply("unreachable"));
}

public sealed class NoPublicConstructorProvider : TestChatClient
{
    private NoPublicConstructorProvider()
    {
    }

    protected override Task<ChatResponse> RespondAsync(IReadOnlyList<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken) =>
        Task.FromResult(TestChatClient.Reply(string.Empty));
}

public sealed class ProviderPluginTests
{
    private static IHost BuildHost(Action<IWorkflowsBuilder> configure, Action<IServiceCollection>? services = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], DisableDefaults = true });
        builder.Services.AddSingleton<UppercaseProvider.Counters>();
        services?.Invoke(builder.Services);
        builder.Services.AddGenAiWorkflows(configure);
        return builder.Build();
    }

    [Fact]
    public async Task AddProvider_CustomProvider_InitializedOnceAtStartUsedByStepCleanedUpAtStop()
    {
        using var host = BuildHost(wf => wf
            .AddProvider<UppercaseProvider>("upper")
            .AddWorkflow("shout", w => w.AddStep(new LlmStep("say", "hello {name}") { Provider = "upper" })));
        var counters = host.Services.GetRequiredService<UppercaseProvider.Counters>();

        await host.StartAsync();
        var engine = host.Services.GetRequiredService<IWorkflowEngine>();
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            engine.ExecuteAsync("shout", new Dictionary<string, object?> { ["name"] = $"n{i}" })));
        Assert.Equal(1, counters.Initialized);
        Assert.Equal(0, counters.CleanedUp);
        await host.StopAsync();

        Assert.All(results, r => Assert.Equal(WorkflowStatus.Completed, r.Status));
        Assert.Equal("HELLO N3", results[3].Output);
        Assert.Equal("upper", results[3].Steps[0].Provider);
        Assert.Equal(TokenUsage.From(3, 4), results[3].Metrics.TotalUsage);
        Assert.Equal(1, counters.Initialized);
        Assert.Equal(1, counters.CleanedUp);
    }

    [Fact]
    public async Task AddProvider_InitializationFails_HostStartFailsNamingProvider()
    {
        using var host = BuildHost(wf => wf.AddProvider<FailingInitProvider>("remote"));

        var error = await Assert.ThrowsAsync<PluginException>(() => host.StartAsync());

        Assert.Equal("remote", error.PluginName);
        Assert.Contains("Provider 'remote'", error.Message, StringComparison.Ordinal);
        Assert.Contains(typeof(FailingInitProvider).FullName!, error.Message, StringComparison.Ordinal);
        Assert.Contains("cannot reach the model server", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddProvider_NoPublicConstructor_RejectedAtRegistration()
    {
        var services = new ServiceCollection();

        var error = Assert.Throws<PluginRegistrationException>(() =>
            services.AddGenAiWorkflows(wf => wf.AddProvider<NoPublicConstructorProvider>("broken")));

        Assert.Contains("no public constructor", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddProvider_DuplicateName_RejectedCaseInsensitively()
    {
        var services = new ServiceCollection();

        var error = Assert.Throws<PluginRegistrationException>(() => services.AddGenAiWorkflows(wf => wf
            .AddProvider<UppercaseProvider>("upper")
            .AddProvider<UppercaseProvider>("UPPER")));

        Assert.Contains("already registered", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProviderThrows_FailureIsolatedToItsRunAndAttributedToProviderType()
    {
        using var host = BuildHost(wf => wf
            .AddProvider<UppercaseProvider>("upper")
            .AddWorkflow("shout", w => w.AddStep(new LlmStep("say", "{text}") { Provider = "upper" })));
        await host.StartAsync();
        var engine = host.Services.GetRequiredService<IWorkflowEngine>();

        var runs = Enumerable.Range(0, 10).Select(i =>
            engine.ExecuteAsync("shout", new Dictionary<string, object?> { ["text"] = i == 4 ? "explode" : $"fine {i}" })).ToArray();
        var results = await Task.WhenAll(runs);
        await host.StopAsync();

        var failed = Assert.Single(results, r => r.Status == WorkflowStatus.Failed);
        // A third-party client's own exception is wrapped, so it is a provider failure (not retried by the step's policy).
        Assert.Equal(typeof(ProviderException).FullName, failed.Error?.ExceptionType);
        Assert.IsType<InvalidOperationException>(failed.Error?.Exception?.InnerException);
        Assert.Contains("provider bug", failed.Error?.Message, StringComparison.Ordinal);
        Assert.Contains("Provider 'upper'", failed.Error?.Message, StringComparison.Ordinal);
        Assert.Equal(typeof(UppercaseProvider).FullName, failed.Error?.PluginType);
        Assert.Equal(typeof(UppercaseProvider).Assembly.GetName().Name, failed.Error?.PluginAssembly);
        Assert.Equal(9, results.Count(r => r.Status == WorkflowStatus.Completed));
    }

    [Fact]
    public async Task UseMiddleware_ResolvedFromContainer_RunsBeforeEngineUseMiddleware()
    {
        var trail = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var host = BuildHost(
            wf => wf.UseMiddleware<FirstMiddleware>().UseMiddleware(new NamedMiddleware("second", trail)),
            services => services.AddSingleton(trail));
        await host.StartAsync();
        var engine = host.Services.GetRequiredService<WorkflowEngine>().Use(new NamedMiddleware("third", trail));

        var result = await engine.ExecuteAsync(Workflow.Create("mw").AddLlmStep("a", "hi").Build());
        await host.StopAsync();

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        Assert.Equal(["first", "second", "third"], trail);
    }

    [Fact]
    public async Task StepResiliencePipelineName_RegisteredInContainer_RetriesStep()
    {
        var attempts = 0;
        using var host = BuildHost(
            wf => wf.AddWorkflow("retrying", w => w.AddStep(new TransformStep("flaky", _ =>
                ++attempts < 3 ? throw new TimeoutException("slow dependency") : "recovered")
            {
                ResiliencePipelineName = "step-retry",
            })),
            services => services.AddResiliencePipeline("step-retry", p => p.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = 4,
                Delay = TimeSpan.Zero,
                ShouldHandle = new PredicateBuilder().Handle<TimeoutException>(),
            })));
        await host.StartAsync();

        var result = await host.Services.GetRequiredService<IWorkflowEngine>().ExecuteAsync("retrying");
        await host.StopAsync();

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        Assert.Equal("recovered", result.Output);
        Assert.Equal(3, result.Steps[0].Attempts);
    }

    [Fact]
    public async Task StepResiliencePipelineName_OtherPipelinesRegistered_FailsNamingTheMissingOne()
    {
        using var host = BuildHost(
            wf => wf.AddWorkflow("misnamed", w => w.AddStep(new TransformStep("flaky", _ => "x") { ResiliencePipelineName = "step-retyr" })),
            services => services.AddResiliencePipeline("step-retry", p => p.AddTimeout(TimeSpan.FromSeconds(5))));
        await host.StartAsync();

        var result = await host.Services.GetRequiredService<IWorkflowEngine>().ExecuteAsync("misnamed");
        await host.StopAsync();

        Assert.Equal(WorkflowStatus.Failed, result.Status);
        Assert.Equal(
            "Step 'flaky' uses the resilience pipeline 'step-retyr', which is not registered. " +
            "Register it with services.AddResiliencePipeline(\"step-retyr\", pipeline => ...).",
            result.Error?.Message);
    }

    public sealed class FirstMiddleware(System.Collections.Concurrent.ConcurrentQueue<string> trail) : WorkflowMiddleware
    {
        public override ValueTask OnWorkflowStartAsync(MiddlewareContext context, CancellationToken cancellationToken)
        {
            trail.Enqueue("first");
            return ValueTask.CompletedTask;
        }
    }

    private sealed class NamedMiddleware(string name, System.Collections.Concurrent.ConcurrentQueue<string> trail) : WorkflowMiddleware
    {
        public override ValueTask OnWorkflowStartAsync(MiddlewareContext context, CancellationToken cancellationToken)
        {
            trail.Enqueue(name);
            return ValueTask.CompletedTask;
        }
    }
}
