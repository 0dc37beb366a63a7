using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Workflows.Hosting.Tests.Telemetry;

public sealed class GenAiWorkflowsInstrumentationTests
{
    [Fact]
    public async Task AddGenAiWorkflowsInstrumentation_TracerProvider_ExportsRunStepAndChatSpans()
    {
        var exported = new List<Activity>();
        using var tracer = Sdk.CreateTracerProviderBuilder().AddGenAiWorkflowsInstrumentation().AddInMemoryExporter(exported).Build();
        using var root = new Activity("otel-root") { ActivityTraceFlags = ActivityTraceFlags.Recorded }.SetIdFormat(ActivityIdFormat.W3C).Start();
        await using var engine = new WorkflowEngine(new MockChatClient());

        await engine.ExecuteAsync(Workflow.Create("otel-traces").AddLlmStep("ask", "Hi").Build());

        tracer.ForceFlush();
        var mine = exported.Where(a => a.TraceId == root.TraceId).Select(a => a.DisplayName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["chat gpt-4o-mini", "invoke_workflow otel-traces", "step ask"], mine);
    }

    [Fact]
    public async Task AddGenAiWorkflowsInstrumentation_MeterProvider_ExportsTokenUsageWithAdvisedBuckets()
    {
        var exported = new List<Metric>();
        using var meters = Sdk.CreateMeterProviderBuilder().AddGenAiWorkflowsInstrumentation().AddInMemoryExporter(exported).Build();
        var model = $"gpt-4o-mini-{Guid.NewGuid():N}";
        await using var engine = new WorkflowEngine(new MockChatClient());

        await engine.ExecuteAsync(Workflow.Create("otel-metrics").AddLlmStep("ask", "Hi", model: model).Build());

        meters.ForceFlush();

        // The periodic reader may export more than once on a loaded machine; the last export holds the cumulative points.
        Assert.Contains(exported, m => m.Name == "gen_ai.client.token.usage");
        var tokenUsage = exported.Last(m => m.Name == "gen_ai.client.token.usage");
        Assert.Equal("{token}", tokenUsage.Unit);
        var points = new List<MetricPoint>();
        foreach (ref readonly var point in tokenUsage.GetMetricPoints())
        {
            foreach (var tag in point.Tags)
            {
                if (tag.Key == "gen_ai.request.model" && Equals(tag.Value, model))
                {
                    points.Add(point);
                }
            }
        }

        Assert.Equal(2, points.Count);
        var bounds = new List<double>();
        foreach (var bucket in points[0].GetHistogramBuckets())
        {
            bounds.Add(bucket.ExplicitBound);
        }

        Assert.Equal([1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864, double.PositiveInfinity], bounds);
        Assert.Contains(exported, m => m.Name == "gen_ai.workflow.duration");
        Assert.Contains(exported, m => m.Name == "workflows.runs");
        Assert.Contains(exported, m => m.Name == "workflows.cost");
    }

    [Fact]
    public void AddGenAiWorkflowsInstrumentation_NullBuilder_Throws()
    {
        Assert.Equal("builder", Assert.Throws<ArgumentNullException>(
            () => GenAiWorkflowsTracerProviderBuilderExtensions.AddGenAiWorkflowsInstrumentation(null!)).ParamName);
        Assert.Equal("builder", Assert.Throws<ArgumentNullException>(
            () => GenAiWorkflowsMeterProviderBuilderExtensions.AddGenAiWorkflowsInstrumentation(null!)).ParamName);
    }
}
