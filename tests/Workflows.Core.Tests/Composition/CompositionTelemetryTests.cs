using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Workflows.Tests.Diagnostics;
using Workflows.Tests.TestSupport;
using static Workflows.Tests.Composition.Runs;

namespace Workflows.Tests.Composition;

public sealed class CompositionTelemetryTests
{
    private static Workflow EveryConstruct(string name) => Workflow.Create(name)
        .AddParallel("review", static p => p
            .AddLlmStep("pros", "Pros of {topic}")
            .AddLlmStep("cons", "Cons of {topic}"))
        .AddMap("summaries", "chunks", static m => m.AddLlmStep("summary", "Summarize {item}"))
        .AddRoute("triage", static _ => "refund", static r => r
            .When("refund", static b => b.AddTransformStep("refundReply", static _ => "refunded"))
            .Otherwise(static b => b.AddTransformStep("other", static _ => "other")))
        .AddLoop("refine", static b => b.AddTransformStep("draft", static ctx => ctx.Get<int>("iteration")), static _ => false, maxIterations: 2)
        .AddWorkflow(Workflow.Create("sub").AddTransformStep("subStep", static _ => "s").Build(), "nested")
        .Build();

    [Fact]
    public async Task Spans_EveryStepIsAChildOfTheRunSpanWithItsPath()
    {
        using var root = TestEngines.StartRootActivity();
        using var spans = new ActivityCollector(root.TraceId);
        await using var engine = TestEngines.Create(new ScriptedProvider());
        var name = TestEngines.UniqueName("composite-spans");

        var result = await engine.ExecuteAsync(EveryConstruct(name), Inputs(("topic", "tea"), ("chunks", new[] { "a", "b", "c" }))).Within();

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        var run = spans.Single($"invoke_workflow {name}");
        var stepSpans = spans.Stopped.Where(static s => s.DisplayName.StartsWith("step ", StringComparison.Ordinal)).ToList();
        Assert.Equal(result.Steps.Count, stepSpans.Count);
        Assert.All(stepSpans, s => Assert.Equal(run.SpanId, s.ParentSpanId));
        Assert.Equal(
            result.Steps.Select(static s => s.Path).Order(StringComparer.Ordinal),
            stepSpans.Select(static s => (string)s.GetTagItem("workflows.step.path")!).Order(StringComparer.Ordinal));
        Assert.Equal(
            ["summaries[0]", "summaries[1]", "summaries[2]"],
            stepSpans.Where(static s => s.DisplayName == "step summary").Select(static s => (string)s.GetTagItem("workflows.step.path")!).Order(StringComparer.Ordinal));
        var pros = Assert.Single(stepSpans, static s => s.DisplayName == "step pros");
        Assert.Equal("review/pros", pros.GetTagItem("workflows.step.path"));
        Assert.Equal("pros", pros.GetTagItem("workflows.step.name"));
        var chats = spans.Stopped.Where(static s => s.DisplayName.StartsWith("chat ", StringComparison.Ordinal)).ToList();
        Assert.Equal(5, chats.Count);
        Assert.All(chats, c => Assert.Contains(stepSpans, s => s.SpanId == c.ParentSpanId));
    }

    [Fact]
    public async Task Spans_RouteSpanCarriesSelectedLabel()
    {
        using var root = TestEngines.StartRootActivity();
        using var spans = new ActivityCollector(root.TraceId);
        await using var engine = TestEngines.Create(new ScriptedProvider());
        var name = TestEngines.UniqueName("route-span");
        var workflow = Workflow.Create(name)
            .AddRoute("first", static _ => "refund", static r => r.When("refund", static b => b.AddTransformStep("a", static _ => 1)))
            .AddRoute("second", static _ => "unknown", static r => r
                .When("refund", static b => b.AddTransformStep("b", static _ => 1))
                .Otherwise(static b => b.AddTransformStep("c", static _ => 1)))
            .Build();

        var result = await engine.ExecuteAsync(workflow).Within();

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        Assert.Equal("refund", spans.Single("step first").GetTagItem("workflows.route.selected"));
        Assert.Equal("otherwise", spans.Single("step second").GetTagItem("workflows.route.selected"));
        Assert.Equal("route", spans.Single("step first").GetTagItem("workflows.step.type"));
    }

    [Fact]
    public async Task Metrics_CarryNoPathOrItemIndex()
    {
        using var services = TestEngines.CreateMeterServices();
        var meters = services.GetRequiredService<IMeterFactory>();
        using var steps = new MetricCollector<double>(meters, WorkflowTelemetry.SourceName, "workflows.step.duration");
        using var tokens = new MetricCollector<long>(meters, WorkflowTelemetry.SourceName, "gen_ai.client.token.usage");
        using var operations = new MetricCollector<double>(meters, WorkflowTelemetry.SourceName, "gen_ai.client.operation.duration");
        using var runs = new MetricCollector<long>(meters, WorkflowTelemetry.SourceName, "workflows.runs");
        await using var engine = TestEngines.Create(new ScriptedProvider(), meters);
        var name = TestEngines.UniqueName("composite-metrics");

        var result = await engine.ExecuteAsync(EveryConstruct(name), Inputs(("topic", "tea"), ("chunks", Enumerable.Range(0, 20).Select(static i => $"c{i}").ToArray()))).Within();

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        var stepMeasurements = steps.GetMeasurementSnapshot();
        Assert.Equal(result.Steps.Count, stepMeasurements.Count);
        var all = stepMeasurements.Select(static m => m.Tags)
            .Concat(tokens.GetMeasurementSnapshot().Select(static m => m.Tags))
            .Concat(operations.GetMeasurementSnapshot().Select(static m => m.Tags))
            .Concat(runs.GetMeasurementSnapshot().Select(static m => m.Tags))
            .ToList();
        Assert.All(all, tags =>
        {
            Assert.False(tags.ContainsKey("workflows.step.path"));
            Assert.DoesNotContain(tags.Values, static v => v is string s && (s.Contains('[', StringComparison.Ordinal) || s.Contains('/', StringComparison.Ordinal)));
        });

        // Twenty map items make one series, not twenty.
        var summarySeries = stepMeasurements
            .Where(static m => Equals(m.Tags["workflows.step.name"], "summary"))
            .Select(static m => string.Join(";", m.Tags.OrderBy(static t => t.Key, StringComparer.Ordinal).Select(static t => $"{t.Key}={t.Value}")))
            .Distinct()
            .ToList();
        Assert.Single(summarySeries);
        Assert.Equal(20, stepMeasurements.Count(static m => Equals(m.Tags["workflows.step.name"], "summary")));
    }
}
