using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Workflows.Samples.WebApi;

/// <summary>Writes <c>/health</c>: the overall status and, per provider, whether it initialized.</summary>
internal static class HealthResponse
{
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        var providers = report.Entries.TryGetValue(GenAiWorkflowsHealthChecksBuilderExtensions.ProvidersCheckName, out var entry)
            ? entry.Data.Select(static kv => new ProviderHealth(kv.Key, Equals(kv.Value, "initialized"))).ToArray()
            : [];
        var body = new HealthBody(report.Status.ToString(), entry.Description, providers);
        return context.Response.WriteAsJsonAsync(body, context.RequestAborted);
    }

    internal sealed record HealthBody(string Status, string? Description, IReadOnlyList<ProviderHealth> Providers);

    internal sealed record ProviderHealth(string Name, bool Initialized);
}
