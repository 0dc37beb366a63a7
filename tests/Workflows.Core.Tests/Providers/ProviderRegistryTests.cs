using Microsoft.Extensions.AI;
using Workflows.Tests.TestSupport;

namespace Workflows.Tests.Providers;

public sealed class ProviderRegistryTests
{
    [Fact]
    public void Constructor_Empty_HasBuiltInMock()
    {
        var registry = new ProviderRegistry();

        Assert.Equal(["mock"], registry.Names);
        Assert.IsType<MockChatClient>(registry.Get("mock"));
        Assert.True(registry.Contains("MOCK"));
    }

    [Fact]
    public void Register_ThenGet_ReturnsSameInstanceCaseInsensitively()
    {
        var provider = new CountingProvider();
        var registry = new ProviderRegistry().Register("Custom", provider);

        Assert.Same(provider, registry.Get("custom"));
        Assert.Equal(["mock", "Custom"], registry.Names);
    }

    [Fact]
    public void Names_ListsInRegistrationOrder()
    {
        var registry = new ProviderRegistry()
            .Register("zeta", new CountingProvider())
            .Register("alpha", new CountingProvider());

        Assert.Equal(["mock", "zeta", "alpha"], registry.Names);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void Register_EmptyName_ThrowsRegistrationException(string name)
    {
        var ex = Assert.Throws<PluginRegistrationException>(() => new ProviderRegistry().Register(name, new CountingProvider()));

        Assert.Contains("non-empty name", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Register_NullProvider_ThrowsRegistrationException()
    {
        var ex = Assert.Throws<PluginRegistrationException>(() => new ProviderRegistry().Register("x", null!));

        Assert.Equal("x", ex.PluginName);
    }

    [Fact]
    public void Register_DuplicateNameAnyCase_ThrowsRegistrationException()
    {
        var registry = new ProviderRegistry().Register("openai", new CountingProvider());

        var ex = Assert.Throws<PluginRegistrationException>(() => registry.Register("OpenAI", new CountingProvider()));

        Assert.Contains("already registered", ex.Message, StringComparison.Ordinal);
        Assert.Contains(typeof(CountingProvider).FullName!, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Register_Mock_ReplacesBuiltInOnceOnly()
    {
        var mine = new MockChatClient();
        var registry = new ProviderRegistry().Register("mock", mine);

        Assert.Same(mine, registry.Get("mock"));
        Assert.Equal(["mock"], registry.Names);
        Assert.Throws<PluginRegistrationException>(() => registry.Register("mock", new MockChatClient()));
    }

    [Fact]
    public void Constructor_WithDuplicatePairs_ThrowsRegistrationException()
    {
        Assert.Throws<PluginRegistrationException>(() => new ProviderRegistry(
        [
            new("a", new CountingProvider()),
            new("A", new CountingProvider()),
        ]));
    }

    [Fact]
    public void Get_UnknownName_ThrowsNotFoundListingRegisteredNames()
    {
        var registry = new ProviderRegistry().Register("openai", new CountingProvider());

        var ex = Assert.Throws<PluginNotFoundException>(() => registry.Get("anthropic"));

        Assert.Equal(["mock", "openai"], ex.AvailableNames);
        Assert.Equal("anthropic", ex.PluginName);
        Assert.Contains("'anthropic'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("mock, openai", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetInitializedAsync_ConcurrentFirstCalls_InitializesOnce()
    {
        var provider = new CountingProvider { InitializeGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        var registry = new ProviderRegistry().Register("p", provider);

        var callers = Enumerable.Range(0, 32).Select(_ => Task.Run(() => registry.GetInitializedAsync("p"))).ToArray();
        await provider.InitializeStarted.Task.Within();
        Assert.All(callers, static c => Assert.False(c.IsCompletedSuccessfully));
        provider.InitializeGate.SetResult();
        var providers = await Task.WhenAll(callers).Within();

        Assert.Equal(1, provider.Initializations);
        Assert.All(providers, p => Assert.Same(provider, p));
        await registry.GetInitializedAsync("p").Within();
        Assert.Equal(1, provider.Initializations);
    }

    [Fact]
    public async Task GetInitializedAsync_CallerCancelsWhileWaiting_InitializationGoesOn()
    {
        var provider = new CountingProvider { InitializeGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        var registry = new ProviderRegistry().Register("p", provider);
        using var cts = new CancellationTokenSource();

        var impatient = registry.GetInitializedAsync("p", cts.Token);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => impatient.Within());

        provider.InitializeGate.SetResult();
        Assert.Same(provider, await registry.GetInitializedAsync("p").Within());
        Assert.Equal(1, provider.Initializations);
    }

    [Fact]
    public async Task GetInitializedAsync_InitializeThrows_ReportsProviderNameEveryTime()
    {
        var provider = new CountingProvider { InitializeFailure = new InvalidOperationException("no credentials") };
        var registry = new ProviderRegistry().Register("broken", provider);

        var first = await Assert.ThrowsAsync<PluginException>(() => registry.GetInitializedAsync("broken"));
        var second = await Assert.ThrowsAsync<PluginException>(() => registry.GetInitializedAsync("broken"));

        Assert.Equal("broken", first.PluginName);
        Assert.Equal(typeof(CountingProvider).FullName, first.PluginTypeName);
        Assert.Contains("'broken'", first.Message, StringComparison.Ordinal);
        Assert.Contains("no credentials", first.Message, StringComparison.Ordinal);
        Assert.IsType<InvalidOperationException>(first.InnerException);
        Assert.Same(first, second);
        Assert.Equal(1, provider.Initializations);
    }

    [Fact]
    public async Task InitializeAllAsync_OneFails_ThrowsNamingIt()
    {
        var good = new CountingProvider();
        var registry = new ProviderRegistry()
            .Register("good", good)
            .Register("bad", new CountingProvider { InitializeFailure = new InvalidOperationException("boom") });

        var ex = await Assert.ThrowsAsync<PluginException>(() => registry.InitializeAllAsync());

        Assert.Equal("bad", ex.PluginName);
        Assert.Equal(1, good.Initializations);
    }

    [Fact]
    public async Task CleanupAsync_CalledTwice_CleansEachInitializedProviderOnce()
    {
        var used = new CountingProvider();
        var unused = new CountingProvider();
        var registry = new ProviderRegistry().Register("used", used).Register("unused", unused);
        await registry.GetInitializedAsync("used");

        await registry.CleanupAsync();
        await registry.CleanupAsync();

        Assert.Equal(1, used.Cleanups);
        Assert.Equal(0, unused.Cleanups);
    }

    [Fact]
    public async Task CleanupAsync_AfterFailedInitialization_StillCleansUp()
    {
        var provider = new CountingProvider { InitializeFailure = new InvalidOperationException("half-open") };
        var registry = new ProviderRegistry().Register("p", provider);
        await Assert.ThrowsAsync<PluginException>(() => registry.GetInitializedAsync("p"));

        await registry.CleanupAsync();

        Assert.Equal(1, provider.Cleanups);
    }

    [Fact]
    public async Task CleanupAsync_OneThrows_CleansOthersAndReportsIt()
    {
        var failing = new CountingProvider { CleanupFailure = new InvalidOperationException("stuck") };
        var other = new CountingProvider();
        var registry = new ProviderRegistry().Register("failing", failing).Register("other", other);
        await registry.InitializeAllAsync();

        var ex = await Assert.ThrowsAsync<AggregateException>(() => registry.CleanupAsync());

        var inner = Assert.IsType<PluginException>(Assert.Single(ex.InnerExceptions));
        Assert.Equal("failing", inner.PluginName);
        Assert.Equal(1, other.Cleanups);
    }

    [Fact]
    public async Task CleanupAsync_TwoThrow_ReportsBothNamingEachProvider()
    {
        var registry = new ProviderRegistry()
            .Register("first", new CountingProvider { CleanupFailure = new InvalidOperationException("stuck") })
            .Register("second", new CountingProvider { CleanupFailure = new TimeoutException("slow") });
        await registry.InitializeAllAsync();

        var ex = await Assert.ThrowsAsync<AggregateException>(() => registry.CleanupAsync());

        Assert.StartsWith("One or more providers failed to clean up.", ex.Message, StringComparison.Ordinal);
        Assert.Equal(
            [
                $"Cleanup of provider 'first' ({typeof(CountingProvider).FullName}) failed: stuck",
                $"Cleanup of provider 'second' ({typeof(CountingProvider).FullName}) failed: slow",
            ],
            ex.InnerExceptions.Select(e => e.Message));
    }

    [Fact]
    public async Task Lifecycle_FoundOnTheProviderOrThroughItsServices()
    {
        var hidden = new HiddenLifecycleProvider();
        var inner = new CountingProvider();
        var registry = new ProviderRegistry().Register("hidden", hidden).Register("wrapped", new Wrapper(inner));

        await registry.InitializeAllAsync();
        await registry.CleanupAsync();

        Assert.Equal((1, 1), (hidden.Initializations, hidden.Cleanups));
        Assert.Equal((1, 1), (inner.Initializations, inner.Cleanups));
    }

    [Fact]
    public void NullNames_ThrowNamingThem()
    {
        var registry = new ProviderRegistry();

        Assert.Equal("name", Assert.Throws<ArgumentNullException>(() => registry.Contains(null!)).ParamName);
        Assert.Equal("name", Assert.Throws<ArgumentNullException>(() => registry.Get(null!)).ParamName);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData(" ", null)]
    [InlineData("gpt-4o", "gpt-4o")]
    public void GetDefaultModel_BlankIsNone(string? defaultModel, string? expected)
    {
        var registry = new ProviderRegistry().Register("p", new CountingProvider(), defaultModel);

        Assert.Equal(expected, registry.GetDefaultModel("p"));
    }

    /// <summary>Implements the lifecycle but does not offer it as a service.</summary>
    private sealed class HiddenLifecycleProvider : TestChatClient, IProviderLifecycle
    {
        public int Initializations { get; private set; }

        public int Cleanups { get; private set; }

        public override object? GetService(Type serviceType, object? serviceKey = null) => null;

        public Task InitializeAsync(CancellationToken cancellationToken = default)
        {
            Initializations++;
            return Task.CompletedTask;
        }

        public Task CleanupAsync(CancellationToken cancellationToken = default)
        {
            Cleanups++;
            return Task.CompletedTask;
        }

        protected override Task<ChatResponse> RespondAsync(IReadOnlyList<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken) =>
            Task.FromResult(TestChatClient.Reply("hidden"));
    }

    /// <summary>A decorator (like the ones ChatClientBuilder makes): the lifecycle is the inner client's, found through GetService.</summary>
    private sealed class Wrapper(IChatClient inner) : DelegatingChatClient(inner);

    [Fact]
    public async Task GetInitializedAsync_AfterCleanup_ThrowsNamingProvider()
    {
        var registry = new ProviderRegistry().Register("p", new CountingProvider());
        await registry.InitializeAllAsync();
        await registry.CleanupAsync();

        var ex = await Assert.ThrowsAsync<PluginException>(() => registry.GetInitializedAsync("p"));

        Assert.Contains("cleaned up", ex.Message, StringComparison.Ordinal);
    }

    internal sealed class CountingProvider : TestChatClient, IProviderLifecycle
    {
        private int _initializations;
        private int _cleanups;

        public TaskCompletionSource InitializeStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource? InitializeGate { get; init; }

        public Exception? InitializeFailure { get; init; }

        public Exception? CleanupFailure { get; init; }

        public int Initializations => Volatile.Read(ref _initializations);

        public int Cleanups => Volatile.Read(ref _cleanups);

        protected override Task<ChatResponse> RespondAsync(IReadOnlyList<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken) =>
            Task.FromResult(TestChatClient.Reply("counted"));

        public async Task InitializeAsync(CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _initializations);
            InitializeStarted.TrySetResult();
            if (InitializeGate is not null)
            {
                await InitializeGate.Task;
            }

            if (InitializeFailure is not null)
            {
                throw InitializeFailure;
            }
        }

        public Task CleanupAsync(CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _cleanups);
            return CleanupFailure is null ? Task.CompletedTask : Task.FromException(CleanupFailure);
        }
    }
}
