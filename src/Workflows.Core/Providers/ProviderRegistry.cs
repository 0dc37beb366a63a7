using Microsoft.Extensions.AI;

namespace Workflows;

/// <summary>
/// The providers an engine can call: Microsoft.Extensions.AI <see cref="IChatClient"/>s by name (case-insensitive). The
/// <c>mock</c> provider (a <see cref="MockChatClient"/>) is always available; registering a provider named <c>mock</c>
/// replaces the built-in one.
/// </summary>
/// <remarks>
/// The registry owns the providers' lifecycle: for a client that exposes <see cref="IProviderLifecycle"/> (itself or through
/// <see cref="IChatClient.GetService"/>), <see cref="IProviderLifecycle.InitializeAsync"/> runs once before first use (also
/// under concurrent first calls) and <see cref="IProviderLifecycle.CleanupAsync"/> once in <see cref="CleanupAsync"/>.
/// A provider whose initialization failed is not used: every later lookup reports that failure with its name.
/// </remarks>
public sealed class ProviderRegistry
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ProviderEntry> _entries = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Initializes a new instance of the <see cref="ProviderRegistry"/> class holding the built-in mock.</summary>
    public ProviderRegistry()
    {
        _entries[MockChatClient.DefaultName] = new ProviderEntry(MockChatClient.DefaultName, new MockChatClient(), defaultModel: null, isBuiltIn: true);
    }

    /// <summary>Initializes a new instance of the <see cref="ProviderRegistry"/> class with providers.</summary>
    /// <param name="providers">The providers by name.</param>
    /// <exception cref="PluginRegistrationException">A name is empty or registered twice, or a provider is null.</exception>
    public ProviderRegistry(IEnumerable<KeyValuePair<string, IChatClient>> providers)
        : this()
    {
        ArgumentNullException.ThrowIfNull(providers);
        foreach (var (name, provider) in providers)
        {
            Register(name, provider);
        }
    }

    /// <summary>Gets the registered names, in registration order (the built-in mock first).</summary>
    public IReadOnlyList<string> Names
    {
        get
        {
            lock (_gate)
            {
                return [.. _entries.Values.OrderBy(static e => e.Order).Select(static e => e.Name)];
            }
        }
    }

    /// <summary>Registers a provider under a name.</summary>
    /// <param name="name">The name steps and configuration use to pick the provider.</param>
    /// <param name="provider">The chat client.</param>
    /// <param name="defaultModel">
    /// The model of steps that name none when they call this provider; <see langword="null"/> to fall back to the client's
    /// <see cref="ChatClientMetadata.DefaultModelId"/>, then to <see cref="GenAiWorkflowOptions.DefaultModel"/>.
    /// </param>
    /// <returns>This registry, for chaining.</returns>
    /// <exception cref="PluginRegistrationException">The name is empty or already registered, or the provider is null.</exception>
    public ProviderRegistry Register(string name, IChatClient provider, string? defaultModel = null)
    {
        ThrowIfInvalidName(name, provider?.GetType());

        if (provider is null)
        {
            throw new PluginRegistrationException(
                $"The provider registered as '{name}' is null. Pass a provider instance.", name, pluginType: null);
        }

        lock (_gate)
        {
            if (_entries.TryGetValue(name, out var existing) && !existing.IsBuiltIn)
            {
                throw new PluginRegistrationException(
                    $"A provider named '{existing.Name}' ({existing.Provider.GetType().FullName}) is already registered; " +
                    $"names are case-insensitive. Register {provider.GetType().FullName} under another name.",
                    name, provider.GetType());
            }

            _entries[name] = new ProviderEntry(name, provider, string.IsNullOrWhiteSpace(defaultModel) ? null : defaultModel, isBuiltIn: false);
        }

        return this;
    }

    /// <summary>Returns whether a provider is registered under <paramref name="name"/>.</summary>
    /// <param name="name">The name.</param>
    /// <returns><see langword="true"/> when registered.</returns>
    public bool Contains(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        lock (_gate)
        {
            return _entries.ContainsKey(name);
        }
    }

    /// <summary>Gets the provider registered under <paramref name="name"/> (without initializing it).</summary>
    /// <param name="name">The name.</param>
    /// <returns>The chat client.</returns>
    /// <exception cref="PluginNotFoundException">No provider has that name; the message lists the registered names.</exception>
    public IChatClient Get(string name) => GetEntry(name).Provider;

    /// <summary>Gets the default model registered for the provider named <paramref name="name"/>, if any.</summary>
    /// <param name="name">The name.</param>
    /// <returns>The model, or <see langword="null"/> when the provider was registered without one.</returns>
    /// <exception cref="PluginNotFoundException">No provider has that name.</exception>
    public string? GetDefaultModel(string name) => GetEntry(name).DefaultModel;

    /// <summary>Gets whether the provider named <paramref name="name"/> has been initialized successfully.</summary>
    /// <param name="name">The name.</param>
    /// <returns>
    /// <see langword="true"/> once its initialization completed (or it needs none and was looked up);
    /// <see langword="false"/> before, while it runs, after it failed, and after cleanup.
    /// </returns>
    /// <exception cref="PluginNotFoundException">No provider has that name.</exception>
    public bool IsInitialized(string name) => GetEntry(name).IsInitialized;

    /// <summary>Gets the provider registered under <paramref name="name"/>, initialized.</summary>
    /// <param name="name">The name.</param>
    /// <param name="cancellationToken">Stops waiting for the initialization (which itself goes on).</param>
    /// <returns>The initialized chat client.</returns>
    /// <exception cref="PluginNotFoundException">No provider has that name.</exception>
    /// <exception cref="PluginException">The provider's initialization failed (now or earlier).</exception>
    public async Task<IChatClient> GetInitializedAsync(string name, CancellationToken cancellationToken = default)
    {
        var entry = GetEntry(name);
        await entry.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        return entry.Provider;
    }

    /// <summary>Initializes every registered provider (once each); used at host start.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>A task that completes when all are initialized.</returns>
    /// <exception cref="PluginException">A provider's initialization failed; the message names it.</exception>
    public async Task InitializeAllAsync(CancellationToken cancellationToken = default)
    {
        foreach (var entry in Snapshot())
        {
            await entry.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Cleans up every provider whose initialization was started (once each, failures included).</summary>
    /// <param name="cancellationToken">Cancels the cleanup.</param>
    /// <returns>A task that completes when all cleanups have run.</returns>
    /// <exception cref="AggregateException">One or more cleanups threw; every cleanup was still attempted.</exception>
    public async Task CleanupAsync(CancellationToken cancellationToken = default)
    {
        List<Exception>? failures = null;
        foreach (var entry in Snapshot())
        {
            try
            {
                await entry.CleanupAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                (failures ??= []).Add(new PluginException(
                    $"Cleanup of provider '{entry.Name}' ({entry.Provider.GetType().FullName}) failed: {ex.Message}",
                    entry.Name, entry.Provider.GetType(), ex));
            }
        }

        if (failures is not null)
        {
            throw new AggregateException("One or more providers failed to clean up.", failures);
        }
    }

    /// <summary>The name rule shared by the registry and the container registration (<c>AddProvider</c>).</summary>
    internal static void ThrowIfInvalidName(string? name, Type? providerType)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new PluginRegistrationException(
                "A provider needs a non-empty name. Pass the name steps and configuration will use, for example \"openai\".",
                name, providerType);
        }
    }

    private ProviderEntry GetEntry(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        lock (_gate)
        {
            if (_entries.TryGetValue(name, out var entry))
            {
                return entry;
            }
        }

        throw new PluginNotFoundException("provider", name, Names);
    }

    private ProviderEntry[] Snapshot()
    {
        lock (_gate)
        {
            return [.. _entries.Values.OrderBy(static e => e.Order)];
        }
    }

    private sealed class ProviderEntry(string name, IChatClient provider, string? defaultModel, bool isBuiltIn)
    {
        private static long _orderSequence;
        private readonly Lock _gate = new();
        private Task? _initialization;
        private bool _cleanedUp;

        public string Name { get; } = name;

        public IChatClient Provider { get; } = provider;

        public string? DefaultModel { get; } = defaultModel;

        public IProviderLifecycle? Lifecycle { get; } = provider as IProviderLifecycle ?? provider.GetService<IProviderLifecycle>();

        public bool IsInitialized
        {
            get
            {
                lock (_gate)
                {
                    return !_cleanedUp && _initialization is { IsCompletedSuccessfully: true };
                }
            }
        }

        public bool IsBuiltIn { get; } = isBuiltIn;

        public long Order { get; } = isBuiltIn ? 0 : Interlocked.Increment(ref _orderSequence);

        public Task EnsureInitializedAsync(CancellationToken cancellationToken)
        {
            Task initialization;
            lock (_gate)
            {
                if (_cleanedUp)
                {
                    throw new PluginException(
                        $"Provider '{Name}' has been cleaned up (the host is stopping or the engine was disposed) and cannot be used.",
                        Name, Provider.GetType());
                }

                // Shared by all callers, so no caller's token may cancel it; each caller only stops waiting.
                initialization = _initialization ??= InitializeCoreAsync();
            }

            return initialization.IsCompletedSuccessfully ? Task.CompletedTask : initialization.WaitAsync(cancellationToken);
        }

        public async Task CleanupAsync(CancellationToken cancellationToken)
        {
            Task? initialization;
            lock (_gate)
            {
                if (_cleanedUp)
                {
                    return;
                }

                _cleanedUp = true;
                initialization = _initialization;
            }

            if (initialization is null)
            {
                return;
            }

            try
            {
                await initialization.ConfigureAwait(false);
            }
            catch (PluginException)
            {
                // A failed initialization still gets its cleanup, to release what it acquired.
            }

            if (Lifecycle is { } lifecycle)
            {
                await lifecycle.CleanupAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        private async Task InitializeCoreAsync()
        {
            if (Lifecycle is not { } lifecycle)
            {
                return;
            }

            try
            {
                await lifecycle.InitializeAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                throw new PluginException(
                    $"Provider '{Name}' ({Provider.GetType().FullName}, assembly {Provider.GetType().Assembly.GetName().Name}) " +
                    $"failed to initialize and will not be used: {ex.Message}",
                    Name, Provider.GetType(), ex);
            }
        }
    }
}
