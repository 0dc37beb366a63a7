using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace Workflows.Samples.WebApi;

/// <summary>Builds the sample's web application; the tests start it the same way, on a loopback port.</summary>
public static class WebApiApp
{
    /// <summary>Creates the application.</summary>
    /// <param name="args">Command-line arguments (configuration: <c>--urls</c>, <c>--GenAiWorkflows:DefaultProvider openai</c>...).</param>
    /// <param name="contentRoot">Where appsettings.json and config.yaml are read from; next to the executable by default.</param>
    /// <param name="configure">Adjusts the builder before the application is built (tests add settings and log sinks).</param>
    /// <returns>The application, not started.</returns>
    public static WebApplication Create(string[] args, string? contentRoot = null, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = contentRoot ?? AppContext.BaseDirectory,
        });
        builder.Configuration.AddGenAiWorkflowsConfiguration();
        var useOpenAI = SampleHosting.SelectProvider(builder.Configuration);

        builder.Logging.AddSampleLogging();
        builder.Services.AddSampleTelemetry(builder.Configuration, "Workflows.Samples.WebApi");
        builder.Services.AddSampleProviders(builder.Configuration, useOpenAI);
        builder.Services.AddProblemDetails();
        builder.Services.AddHealthChecks().AddGenAiWorkflowsProviders();
        configure?.Invoke(builder);

        // Last, so that it wraps the logger factory every sink above (and any the tests add) is created from.
        builder.Logging.AddGenAiWorkflowsRedaction();

        var app = builder.Build();

        // Unhandled exceptions become ProblemDetails without a stack trace; so do bare 4xx/5xx status codes.
        app.UseExceptionHandler();
        app.UseStatusCodePages();

        app.MapRunEndpoints();
        app.MapHealthChecks("/health", new HealthCheckOptions { ResponseWriter = HealthResponse.WriteAsync });
        return app;
    }
}
