using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Workflows.Hosting;

/// <summary>
/// Reports the registered providers and whether they initialized: healthy once every provider initialized at host start,
/// unhealthy before, after a failed initialization and once they are cleaned up at stop. The data holds one entry per
/// provider name, <c>initialized</c> or <c>not initialized</c>.
/// </summary>
internal sealed class ProvidersHealthCheck(IServiceProvider services) : IHealthCheck
{
    public const string Initialized = "initialized";
    public const string NotInitialized = "not initialized";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var lifecycle = services.GetServices<IHostedService>().OfType<WorkflowsHostedService>().FirstOrDefault();
        if (lifecycle is null)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("AddGenAiWorkflows() was not called, or the container has no hosted services."));
        }

        var state = lifecycle.State;
        var providerState = state == ProviderLifecycleState.Initialized ? Initialized : NotInitialized;
        var data = lifecycle.ProviderNames.ToDictionary(static name => name, object (_) => providerState, StringComparer.OrdinalIgnoreCase);
        var result = state switch
        {
            ProviderLifecycleState.Initialized => HealthCheckResult.Healthy($"{data.Count} providers initialized.", data: data),
            ProviderLifecycleState.Failed => HealthCheckResult.Unhealthy(
                "A provider failed to initialize.", lifecycle.InitializationError, data),
            ProviderLifecycleState.CleanedUp => HealthCheckResult.Unhealthy("The host stopped; the providers are cleaned up.", data: data),
            _ => HealthCheckResult.Unhealthy("The providers are not initialized yet (the host has not started).", data: data),
        };
        return Task.FromResult(result);
    }
}
