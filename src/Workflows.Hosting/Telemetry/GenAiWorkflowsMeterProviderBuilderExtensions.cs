using Workflows;

namespace OpenTelemetry.Metrics;

/// <summary>Adds GenAI Workflows' instruments to an OpenTelemetry meter provider.</summary>
/// <remarks>In the <c>OpenTelemetry.Metrics</c> namespace, next to <c>AddMeter</c>, as OpenTelemetry instrumentation packages do.</remarks>
public static class GenAiWorkflowsMeterProviderBuilderExtensions
{
    /// <summary>
    /// Subscribes the meter provider to the library's <see cref="System.Diagnostics.Metrics.Meter"/>
    /// (<see cref="WorkflowTelemetry.SourceName"/>): <c>gen_ai.client.token.usage</c>, <c>gen_ai.client.operation.duration</c>,
    /// <c>gen_ai.workflow.duration</c>, <c>workflows.step.duration</c>, <c>workflows.runs</c> and <c>workflows.cost</c>.
    /// The histograms carry the bucket boundaries the GenAI conventions advise, so no view is needed.
    /// </summary>
    /// <param name="builder">The meter provider builder.</param>
    /// <returns>The builder, for chaining.</returns>
    public static MeterProviderBuilder AddGenAiWorkflowsInstrumentation(this MeterProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddMeter(WorkflowTelemetry.SourceName);
    }
}
