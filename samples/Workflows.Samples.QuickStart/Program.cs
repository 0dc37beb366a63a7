// Quick start: a three-step workflow (two model steps and a transform) on the Generic Host.
// Run from the repository root: dotnet run --project samples/Workflows.Samples.QuickStart [-- --product "a desk lamp"]
// It runs on the built-in mock provider unless OPENAI_API_KEY is set or GenAiWorkflows__DefaultProvider=openai
// (see docs/openai-provider.md for Azure OpenAI and local OpenAI-compatible servers). By default it prints a short
// summary (and any warnings); with --telemetry (or QUICKSTART_TELEMETRY=true) it also writes JSON log lines and the
// spans and metrics of OpenTelemetry's console exporter.
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Workflows;

var telemetry = args.Contains("--telemetry", StringComparer.OrdinalIgnoreCase)
    || string.Equals(Environment.GetEnvironmentVariable("QUICKSTART_TELEMETRY"), "true", StringComparison.OrdinalIgnoreCase);
args = [.. args.Where(static a => !string.Equals(a, "--telemetry", StringComparison.OrdinalIgnoreCase))];

try
{
    var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
    {
        Args = args,
        // appsettings.json and config.yaml are copied next to the executable, so the sample finds them from any directory.
        ContentRootPath = AppContext.BaseDirectory,
    });
    builder.Configuration.AddGenAiWorkflowsConfiguration();

    // The provider switch is configuration only: an explicit DefaultProvider wins; otherwise an OPENAI_API_KEY selects
    // the OpenAI provider and its absence the mock.
    var hasApiKey = !string.IsNullOrWhiteSpace(builder.Configuration["OPENAI_API_KEY"]);
    var configuredProvider = builder.Configuration["GenAiWorkflows:DefaultProvider"];
    if (string.IsNullOrWhiteSpace(configuredProvider))
    {
        configuredProvider = hasApiKey ? "openai" : MockChatClient.DefaultName;
        builder.Configuration.AddInMemoryCollection([new("GenAiWorkflows:DefaultProvider", configuredProvider)]);
    }

    var useOpenAI = string.Equals(configuredProvider, "openai", StringComparison.OrdinalIgnoreCase);

    builder.Logging.ClearProviders();
    if (!telemetry)
    {
        // The readable default: one line per warning or error, nothing else besides the summary.
        builder.Logging.AddSimpleConsole(static o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
    }
    else
    {
        builder.Logging.AddJsonConsole();
        builder.Services.AddOpenTelemetry()
            .WithTracing(tracing => tracing.AddGenAiWorkflowsInstrumentation().AddConsoleExporter())
            .WithMetrics(metrics => metrics.AddGenAiWorkflowsInstrumentation().AddConsoleExporter());
    }

    // Secrets never reach a log sink, whichever sinks are configured.
    builder.Logging.AddGenAiWorkflowsRedaction();

    if (useOpenAI)
    {
        builder.Services.AddGenAiWorkflows(wf => wf.AddOpenAIProvider());
    }

    builder.Services.AddGenAiWorkflows(wf => wf
        // Canned answers, so the run is meaningful and repeatable without an API key.
        .AddMockProvider(mock => mock
            .WithPatternResponse(
                @"^Describe (.+) for an online shop in one sentence\.$",
                "Meet $1: sturdy, good-looking and built for daily use, with a two-year warranty.")
            .WithPatternResponse(
                @"^Write a tagline of at most six words for this product: Meet (.+?):",
                "$1, built for every day."))
        .AddWorkflow("product-listing", workflow => workflow
            .AddLlmStep("description", "Describe {product} for an online shop in one sentence.")
            .AddLlmStep("tagline", "Write a tagline of at most six words for this product: {description}")
            .AddTransformStep("listing", ctx =>
                $"*** {ctx.Get<string>("tagline")} ***\n  {ctx.Get<string>("description")}")));

    var host = builder.Build();
    await host.StartAsync();

    var options = host.Services.GetRequiredService<IOptions<GenAiWorkflowOptions>>().Value;
    Console.WriteLine(useOpenAI
        ? $"Running on the OpenAI provider '{options.DefaultProvider}' with model {options.DefaultModel}."
        : hasApiKey
            ? $"Running on the mock provider '{options.DefaultProvider}' as configured (canned responses, simulated tokens)."
            : $"No OPENAI_API_KEY set: running on the mock provider '{options.DefaultProvider}' (canned responses, simulated tokens).");

    var product = builder.Configuration["product"] ?? "a stainless steel travel mug";
    var engine = host.Services.GetRequiredService<IWorkflowEngine>();
    var result = await engine.ExecuteAsync("product-listing", new Dictionary<string, object?> { ["product"] = product });

    // Stopping and disposing the host flushes the console exporter's metrics, so the summary below comes last.
    await host.StopAsync();
    host.Dispose();

    Console.WriteLine();
    Console.WriteLine($"Workflow '{result.WorkflowName}' run {result.WorkflowId}: {result.Status}");
    Console.WriteLine();
    Console.WriteLine($"{"Step",-12} {"Type",-10} {"Status",-10} {"Model",-12} {"Tokens in/out",14} {"Cost",12} {"Duration",10}");
    foreach (var step in result.Steps)
    {
        Console.WriteLine(
            $"{step.StepName,-12} {step.StepType,-10} {step.Status,-10} {step.Model ?? "-",-12} " +
            $"{Tokens(step.Usage),14} {step.Cost,12} {Milliseconds(step.Duration),10}");
    }

    var metrics = result.Metrics;
    Console.WriteLine(
        $"{"Total",-12} {"",-10} {"",-10} {$"{metrics.LlmCalls} calls",-12} " +
        $"{Tokens(metrics.TotalUsage),14} {metrics.TotalCost,12} {Milliseconds(metrics.Duration),10}");
    Console.WriteLine();

    if (result.IsSuccess)
    {
        Console.WriteLine("Output:");
        Console.WriteLine($"  {result.Output}");
    }
    else
    {
        Console.WriteLine($"The run did not complete: {result.Error?.Kind} at step '{result.Error?.StepName}': {result.Error?.Message}");
    }

    return result.IsSuccess ? 0 : 1;
}
catch (Exception ex) when (ex is OptionsValidationException or FrameworkException)
{
    // Invalid configuration (a bad value, a malformed config.yaml) or a provider that failed to start.
    Console.Error.WriteLine($"The quick start could not start: {ex.Message}");
    return 1;
}

static string Tokens(TokenUsage usage) => usage.IsReported
    ? FormattableString.Invariant($"{Count(usage.InputTokens)}/{Count(usage.OutputTokens)}")
    : "-"; // no model call, or a provider that reported no usage: unknown, not zero

static string Count(long? tokens) => tokens is { } known ? known.ToString(CultureInfo.InvariantCulture) : "?";

static string Milliseconds(TimeSpan duration) => duration.TotalMilliseconds.ToString("0.0 'ms'", CultureInfo.InvariantCulture);
