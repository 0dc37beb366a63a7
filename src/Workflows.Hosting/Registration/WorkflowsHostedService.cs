using Microsoft.Extensions.Hosting;

namespace Workflows.Hosting;

/// <summary>
/// Initializes every registered provider before any hosted service starts and cleans them up only after every hosted
/// service has stopped, whatever the registration order: a worker registered before <c>AddGenAiWorkflows</c> can still
/// run workflows in its own <c>StartAsync</c> and finish its runs in <c>StopAsync</c>.
/// </summary>
/// <remarks>
/// The host calls <see cref="IHostedLifecycleService.StartingAsync"/> of every lifecycle service before the first
/// <see cref="IHostedService.StartAsync"/>, and <see cref="IHostedLifecycleService.StoppedAsync"/> after the last
/// <see cref="IHostedService.StopAsync"/>; the two plain hooks do nothing.
/// </remarks>
internal sealed class WorkflowsHostedService(ProviderRegistry providers) : IHostedLifecycleService
{
    private volatile ProviderLifecycleState _state = ProviderLifecycleState.NotStarted;

    /// <summary>Gets where the providers are in their lifecycle (for health checks).</summary>
    public ProviderLifecycleState State => _state;

    /// <summary>Gets the error of a failed initialization.</summary>
    public Exception? InitializationError { get; private set; }

    /// <summary>Gets the registered provider names.</summary>
    public IReadOnlyList<string> ProviderNames => providers.Names;

    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        _state = ProviderLifecycleState.Initializing;
        try
        {
            await providers.InitializeAllAsync(cancellationToken).ConfigureAwait(false);
            _state = ProviderLifecycleState.Initialized;
        }
        catch (Exception ex)
        {
            InitializationError = ex;
            _state = ProviderLifecycleState.Failed;
            throw;
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppedAsync(CancellationToken cancellationToken)
    {
        await providers.CleanupAsync(cancellationToken).ConfigureAwait(false);
        _state = ProviderLifecycleState.CleanedUp;
    }
}

/// <summary>Where the registered providers are in their lifecycle.</summary>
internal enum ProviderLifecycleState
{
    /// <summary>The host has not started.</summary>
    NotStarted,

    /// <summary>The providers are being initialized.</summary>
    Initializing,

    /// <summary>Every provider initialized.</summary>
    Initialized,

    /// <summary>A provider failed to initialize; the host did not start.</summary>
    Failed,

    /// <summary>The host stopped and the providers were cleaned up.</summary>
    CleanedUp,
}
