using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Enrichment;

namespace Workflows.Hosting;

/// <summary>
/// The application's service provider, except that the log enrichers it resolves redact the values of the tags they add:
/// the logger factory that <c>AddGenAiWorkflowsRedaction()</c> wraps is created through it.
/// </summary>
internal sealed class RedactingEnrichersServiceProvider(IServiceProvider inner, LogRedactor redactor) : IKeyedServiceProvider
{
    public object? GetService(Type serviceType)
    {
        if (serviceType == typeof(IEnumerable<ILogEnricher>))
        {
            return inner.GetServices<ILogEnricher>().Select(e => new RedactingEnricher(e.Enrich, redactor)).ToArray<ILogEnricher>();
        }

        if (serviceType == typeof(IEnumerable<IStaticLogEnricher>))
        {
            return inner.GetServices<IStaticLogEnricher>().Select(e => new RedactingEnricher(e.Enrich, redactor)).ToArray<IStaticLogEnricher>();
        }

        return inner.GetService(serviceType);
    }

    public object? GetKeyedService(Type serviceType, object? serviceKey) =>
        inner is IKeyedServiceProvider keyed ? keyed.GetKeyedService(serviceType, serviceKey) : null;

    public object GetRequiredKeyedService(Type serviceType, object? serviceKey) =>
        inner is IKeyedServiceProvider keyed
            ? keyed.GetRequiredKeyedService(serviceType, serviceKey)
            : throw new InvalidOperationException($"The service provider does not support keyed services ('{serviceType}').");
}

/// <summary>A log enricher (per entry or static) whose tag values are redacted as they are added.</summary>
internal sealed class RedactingEnricher(Action<IEnrichmentTagCollector> enrich, LogRedactor redactor) : ILogEnricher, IStaticLogEnricher
{
    public void Enrich(IEnrichmentTagCollector collector) => enrich(new RedactingTagCollector(collector, redactor));
}

/// <summary>Redacts each tag value (by the same rule as a structured value of the entry) before it reaches the collector.</summary>
internal sealed class RedactingTagCollector(IEnrichmentTagCollector inner, LogRedactor redactor) : IEnrichmentTagCollector
{
    public void Add(string tagName, object tagValue) => inner.Add(tagName, redactor.RedactValue(tagName, tagValue, null)!);
}
