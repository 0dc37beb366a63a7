using Microsoft.Extensions.Options;

namespace Workflows.Samples.Worker;

/// <summary>Builds the worker's host; the tests start it the same way.</summary>
public static class WorkerApp
{
    /// <summary>Creates the host.</summary>
    /// <param name="args">Command-line arguments (configuration such as <c>--Worker:MaxConcurrency 8</c>).</param>
    /// <param name="contentRoot">Where appsettings.json and config.yaml are read from; next to the executable by default.</param>
    /// <param name="configure">Adjusts the builder before the host is built (tests add settings and log sinks).</param>
    /// <returns>The host, not started.</returns>
    public static IHost Create(string[] args, string? contentRoot = null, Action<HostApplicationBuilder>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = args,
            ContentRootPath = contentRoot ?? AppContext.BaseDirectory,
        });
        builder.Configuration.AddGenAiWorkflowsConfiguration();
        var useOpenAI = SampleHosting.SelectProvider(builder.Configuration);

        builder.Services.Configure<HostOptions>(builder.Configuration.GetSection("HostOptions"));
        builder.Logging.AddSampleLogging();
        builder.Services.AddSampleTelemetry(builder.Configuration, "Workflows.Samples.Worker");

        // The worker is registered before AddGenAiWorkflows: the providers still start before it and stop after it.
        builder.Services.AddOptions<WorkerOptions>().BindConfiguration(WorkerOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton(static provider => new RunQueue(provider.GetRequiredService<IOptions<WorkerOptions>>().Value.Capacity));
        builder.Services.AddHostedService<RunQueueWorker>();
        builder.Services.AddHostedService<DemoProducer>();
        builder.Services.AddSampleProviders(builder.Configuration, useOpenAI);
        configure?.Invoke(builder);

        builder.Logging.AddGenAiWorkflowsRedaction();
        return builder.Build();
    }
}
