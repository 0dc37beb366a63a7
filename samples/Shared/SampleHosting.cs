// Shared by the WebApi and Worker samples (linked into both projects): the provider switch, JSON logs with redaction,
// and OpenTelemetry exported over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set, to the console otherwise.
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Workflows.Samples;

/// <summary>The hosting conventions both samples follow.</summary>
public static class SampleHosting
{
    /// <summary>
    /// Picks the provider by configuration alone: an explicit <c>GenAiWorkflows:DefaultProvider</c> wins; otherwise
    /// <c>OPENAI_API_KEY</c> selects <c>openai</c> and its absence the built-in <c>mock</c>. Azure OpenAI and
    /// OpenAI-compatible servers are <c>openai</c> with <c>GenAiWorkflows:Providers:openai:*</c> settings.
    /// </summary>
    /// <returns>Whether the OpenAI provider is used.</returns>
    public static bool SelectProvider(IConfigurationManager configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var provider = configuration["GenAiWorkflows:DefaultProvider"];
        if (string.IsNullOrWhiteSpace(provider))
        {
            provider = string.IsNullOrWhiteSpace(configuration["OPENAI_API_KEY"]) ? MockChatClient.DefaultName : "openai";
            configuration.AddInMemoryCollection([new("GenAiWorkflows:DefaultProvider", provider)]);
        }

        return string.Equals(provider, "openai", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Registers the engine, the OpenAI provider when selected, and the mock with canned answers and the latency of
    /// <c>Sample:MockLatencyMs</c> (default 0), so that the samples run without an API key.
    /// </summary>
    public static IWorkflowsBuilder AddSampleProviders(this IServiceCollection services, IConfiguration configuration, bool useOpenAI)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var workflows = services.AddGenAiWorkflows();
        if (useOpenAI)
        {
            workflows.AddOpenAIProvider();
        }

        return workflows.AddMockProvider(mock =>
        {
            // Read when the mock is created (at host start), so settings added after this call apply.
            var latency = TimeSpan.FromMilliseconds(configuration.GetValue("Sample:MockLatencyMs", 0d));
            mock.WithPatternResponse(@"^Summarize in one sentence: (.{0,60}).*$", "In short: $1")
                .WithPatternResponse(@"^Describe (.+) for an online shop in one sentence\.$",
                    "Meet $1: sturdy, good-looking and built for daily use.")
                .WithPatternResponse(@"^Write a tagline of at most six words for this product: Meet (.+?):.*$", "$1, built for every day.")
                .WithPatternResponse(@"^Summarize this part of a review: (.{0,40}).*$", "Part: $1")
                .WithPatternResponse(@"^List the strengths named in these notes:", "Fast and light.")
                .WithPatternResponse(@"^List the weaknesses named in these notes:", "Short battery life.")
                .WithPatternResponse(@"^Weigh these strengths: (.+) against these weaknesses: (.+)$", "Worth it if $1 matters more than: $2");
            if (latency > TimeSpan.Zero)
            {
                mock.WithLatency(latency);
            }
        });
    }

    /// <summary>
    /// JSON console logs (the standard <c>AddJsonConsole</c>: one object per line, scopes, UTC timestamps) and secret
    /// redaction for every sink.
    /// </summary>
    public static ILoggingBuilder AddSampleLogging(this ILoggingBuilder logging)
    {
        logging.ClearProviders();
        logging.AddJsonConsole(static options =>
        {
            options.IncludeScopes = true;
            options.UseUtcTimestamp = true;
            options.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
        });
        return logging;
    }

    /// <summary>
    /// OpenTelemetry traces and metrics of the <c>GenAiWorkflows</c> source: over OTLP (and logs too) when
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set; otherwise to the console exporter, unless <c>Sample:ConsoleTelemetry</c> is
    /// <c>false</c>.
    /// </summary>
    public static void AddSampleTelemetry(this IServiceCollection services, IConfiguration configuration, string serviceName)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var otlp = !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var console = configuration.GetValue("Sample:ConsoleTelemetry", true);
        if (!otlp && !console)
        {
            return;
        }

        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName))
            .WithTracing(tracing =>
            {
                tracing.AddGenAiWorkflowsInstrumentation();
                if (!otlp)
                {
                    tracing.AddConsoleExporter();
                }
            })
            .WithMetrics(metrics =>
            {
                metrics.AddGenAiWorkflowsInstrumentation();
                if (!otlp)
                {
                    metrics.AddConsoleExporter();
                }
            });
        if (otlp)
        {
            // Traces, metrics and logs, to OTEL_EXPORTER_OTLP_ENDPOINT (OTEL_EXPORTER_OTLP_PROTOCOL, _HEADERS... apply).
            telemetry.UseOtlpExporter();
        }
    }
}
