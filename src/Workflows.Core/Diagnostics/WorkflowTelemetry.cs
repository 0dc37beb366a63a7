namespace Workflows;

/// <summary>
/// The names under which the library publishes traces and metrics. Add <see cref="SourceName"/> to your
/// OpenTelemetry tracer (<c>AddSource</c>) and meter (<c>AddMeter</c>) providers.
/// </summary>
/// <remarks>Renaming any of these is a breaking change.</remarks>
public static class WorkflowTelemetry
{
    /// <summary>The name of the library's <see cref="System.Diagnostics.ActivitySource"/> and <see cref="System.Diagnostics.Metrics.Meter"/>.</summary>
    public const string SourceName = "GenAiWorkflows";

    /// <summary>
    /// The environment variable that, set to <c>true</c>, records prompt and completion text on spans
    /// (as the OpenTelemetry GenAI conventions define it).
    /// </summary>
    public const string CaptureMessageContentEnvironmentVariable = "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT";
}
