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
internal sealed class WorkflowsHostedService(LlmProviderRegistry providers) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => providers.InitializeAllAsync(cancellationToken);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => providers.CleanupAsync(cancellationToken);
}
