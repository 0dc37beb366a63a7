using Workflows;

namespace OpenTelemetry.Trace;

/// <summary>Adds GenAI Workflows' spans to an OpenTelemetry tracer provider.</summary>
/// <remarks>In the <c>OpenTelemetry.Trace</c> namespace, next to <c>AddSource</c>, as OpenTelemetry instrumentation packages do.</remarks>
public static class GenAiWorkflowsTracerProviderBuilderExtensions
{
    /// <summary>
    /// Subscribes the tracer provider to the library's <see cref="System.Diagnostics.ActivitySource"/>
    /// (<see cref="WorkflowTelemetry.SourceName"/>): <c>invoke_workflow {name}</c>, <c>step {name}</c> and <c>chat {model}</c> spans.
    /// </summary>
    /// <param name="builder">The tracer provider builder.</param>
    /// <returns>The builder, for chaining.</returns>
    public static TracerProviderBuilder AddGenAiWorkflowsInstrumentation(this TracerProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddSource(WorkflowTelemetry.SourceName);
    }
}
