using Microsoft.Extensions.Hosting;

namespace Workflows.Hosting;

/// <summary>Initializes every registered provider when the host starts and cleans them up when it stops.</summary>
internal sealed class WorkflowsHostedService(ProviderRegistry providers) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => providers.InitializeAllAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => providers.CleanupAsync(cancellationToken);
}
