using Microsoft.Extensions.AI;
namespace Workflows.Tests.Providers;

public sealed class ProviderLifecycleTests
{
    [Fact]
    public async Task Engine_ConcurrentFirstCalls_InitializeOnceAndCleanupOnDisposal()
    {
        var provider = new SlowInitProvider();
        var engine = new WorkflowEngine(provider);
        var workflow = Workflow.Create("lifecycle").AddLlmStep("a", "hi {n}").Build();

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i =>
            Task.Run(() => engine.ExecuteAsync(workflow, new Dictionary<string, object?> { ["n"] = i }))));
        await engine.DisposeAsync();

        Assert.All(results, r => Assert.Equal(WorkflowStatus.Completed, r.Status));
        Assert.Equal(1, provider.Initializations);
        Assert.Equal(1, provider.Cleanups);
    }

    [Fact]
    public async Task Engine_ProviderInitializationFails_RunFailsNamingProviderAndCleanupStillRuns()
    {
        var provider = new SlowInitProvider { FailInitialization = true };
        var engine = new WorkflowEngine(provider);
        var workflow = Workflow.Create("lifecycle").AddLlmStep("a", "hi").Build();

        var first = await engine.ExecuteAsync(workflow);
        var second = await engine.ExecuteAsync(workflow);
        await engine.DisposeAsync();

        Assert.Equal(WorkflowStatus.Failed, first.Status);
        Assert.Contains("Provider 'default'", first.Error?.Message, StringComparison.Ordinal);
        Assert.Contains("failed to initialize", first.Error?.Message, StringComparison.Ordinal);
        Assert.Equal(typeof(SlowInitProvider).FullName, first.Error?.PluginType);
        Assert.Equal(WorkflowStatus.Failed, second.Status);
        Assert.Equal(1, provider.Initializations);
        Assert.Equal(0, provider.Calls);
        Assert.Equal(1, provider.Cleanups);
    }

    [Fact]
    public async Task IsInitialized_FollowsTheProviderThroughInitializationAndCleanup()
    {
        var provider = new SlowInitProvider();
        var registry = new ProviderRegistry().Register("slow", provider);

        Assert.False(registry.IsInitialized("slow"));
        await registry.GetInitializedAsync("slow");
        Assert.True(registry.IsInitialized("slow"));
        await registry.CleanupAsync();
        Assert.False(registry.IsInitialized("slow"));
        Assert.Equal(1, provider.Cleanups);
        Assert.Throws<PluginNotFoundException>(() => registry.IsInitialized("missing"));
    }

    [Fact]
    public async Task IsInitialized_InitializationFailed_StaysFalse()
    {
        var registry = new ProviderRegistry().Register("broken", new SlowInitProvider { FailInitialization = true });

        await Assert.ThrowsAsync<PluginException>(() => registry.GetInitializedAsync("broken"));

        Assert.False(registry.IsInitialized("broken"));
    }

    [Fact]
    public async Task IsInitialized_ProviderWithoutLifecycle_TrueOnceLookedUp()
    {
        var registry = new ProviderRegistry().Register("plain", new MockChatClient());

        Assert.False(registry.IsInitialized("plain"));
        await registry.InitializeAllAsync();

        Assert.True(registry.IsInitialized("plain"));
    }

    [Fact]
    public void Constructor_FromPairs_RegistersEachInOrderAfterTheBuiltInMock()
    {
        var first = new MockChatClient();
        var second = new MockChatClient();

        var registry = new ProviderRegistry([new("first", first), new("second", second)]);

        Assert.Equal(["mock", "first", "second"], registry.Names);
        Assert.Same(first, registry.Get("first"));
        Assert.Same(second, registry.Get("second"));
        Assert.Throws<ArgumentNullException>(() => new ProviderRegistry(null!));
        Assert.Throws<PluginRegistrationException>(() => new ProviderRegistry([new("twice", first), new("twice", second)]));
    }

    private sealed class SlowInitProvider : TestChatClient, IProviderLifecycle
    {
        private int _initializations;
        private int _cleanups;
        private int _calls;

        public bool FailInitialization { get; init; }

        public int Initializations => Volatile.Read(ref _initializations);

        public int Cleanups => Volatile.Read(ref _cleanups);

        public int Calls => Volatile.Read(ref _calls);

        public async Task InitializeAsync(CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _initializations);
            await Task.Delay(20, cancellationToken);
            if (FailInitialization)
            {
                throw new InvalidOperationException("no credentials");
            }
        }

        public Task CleanupAsync(CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _cleanups);
            return Task.CompletedTask;
        }

        protected override Task<ChatResponse> RespondAsync(IReadOnlyList<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            return Task.FromResult(TestChatClient.Reply("ok"));
        }
    }
}
