using Microsoft.Extensions.Diagnostics.HealthChecks;
using Workflows.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the GenAI Workflows health check.</summary>
public static class GenAiWorkflowsHealthChecksBuilderExtensions
{
    /// <summary>The default name of the providers' health check.</summary>
    public const string ProvidersCheckName = "genai-workflows-providers";

    /// <summary>
    /// Adds a health check that reports the registered providers by name and whether they initialized at host start:
    /// healthy while every provider is up; unhealthy before the host started, after a failed initialization and after stop.
    /// Each entry of the result's data maps a provider name to <c>initialized</c> or <c>not initialized</c>.
    /// </summary>
    /// <param name="builder">The health checks builder (<c>services.AddHealthChecks()</c>).</param>
    /// <param name="name">The check's name.</param>
    /// <param name="tags">Tags to filter the check by (for example <c>ready</c>).</param>
    /// <returns>The builder, for chaining.</returns>
    public static IHealthChecksBuilder AddGenAiWorkflowsProviders(
        this IHealthChecksBuilder builder, string name = ProvidersCheckName, IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return builder.Add(new HealthCheckRegistration(
            name, static provider => new ProvidersHealthCheck(provider), failureStatus: null, tags));
    }
}
