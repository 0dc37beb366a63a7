using Microsoft.Extensions.AI;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Workflows.Tests.Diagnostics;

namespace Workflows.Tests.Edges;

/// <summary>
/// A provider that records the GenAI client telemetry itself (an IChatClient built with UseOpenTelemetry()): the engine
/// records no second gen_ai.client.* point, but the call's cost is still recorded on workflows.cost.
/// </summary>
public sealed class SelfInstrumentedProviderCostTests
{
    [Fact]
    public async Task ExecuteAsync_ProviderWithItsOwnGenAiTelemetry_RecordsCostButNoSecondTokenUsage()
    {
        using var services = TestEngines.CreateMeterServices();
        var meters = services.GetRequiredService<IMeterFactory>();
        using var cost = new MetricCollector<double>(meters, WorkflowTelemetry.SourceName, "workflows.cost");
        using var tokens = new MetricCollector<long>(meters, WorkflowTelemetry.SourceName, "gen_ai.client.token.usage");
        var scripted = new ScriptedProvider { Usage = new() { InputTokenCount = 1_000, OutputTokenCount = 500, TotalTokenCount = 1_500 } };
        using var traced = scripted.AsBuilder().UseOpenTelemetry(sourceName: TestEngines.UniqueName("meai")).Build();
        await using var engine = TestEngines.Create(traced, meters);

        var result = await engine.ExecuteAsync(
            Workflow.Create(TestEngines.UniqueName("self")).AddLlmStep("draft", "Write", model: "gpt-4o-mini").Build());

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        Assert.Empty(tokens.GetMeasurementSnapshot());

        // gpt-4o-mini: 1,000 x $0.15/M + 500 x $0.60/M.
        var point = Assert.Single(cost.GetMeasurementSnapshot());
        Assert.Equal(0.00045, point.Value, 12);
        Assert.Equal("gpt-4o-mini", point.Tags["gen_ai.request.model"]);
        Assert.Equal(0.00045m, result.Metrics.TotalCost.AmountUsd);
    }

    [Fact]
    public async Task ExecuteAsync_ProviderWithItsOwnGenAiTelemetryAndUnpricedModel_RecordsNoCostPoint()
    {
        using var services = TestEngines.CreateMeterServices();
        var meters = services.GetRequiredService<IMeterFactory>();
        using var cost = new MetricCollector<double>(meters, WorkflowTelemetry.SourceName, "workflows.cost");
        var scripted = new ScriptedProvider { Usage = new() { InputTokenCount = 1_000, OutputTokenCount = 500, TotalTokenCount = 1_500 } };
        using var traced = scripted.AsBuilder().UseOpenTelemetry(sourceName: TestEngines.UniqueName("meai")).Build();
        await using var engine = TestEngines.Create(traced, meters);

        var result = await engine.ExecuteAsync(
            Workflow.Create(TestEngines.UniqueName("self")).AddLlmStep("draft", "Write", model: "house-model-without-price").Build());

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        Assert.Empty(cost.GetMeasurementSnapshot());
        Assert.Equal(["house-model-without-price"], result.Metrics.TotalCost.UnpricedModels);
    }

    [Fact]
    public async Task ExecuteAsync_ProviderWithItsOwnGenAiTelemetry_EngineStartsNoSecondChatSpan()
    {
        using var root = TestEngines.StartRootActivity();
        using var spans = new ActivityCollector(root.TraceId);
        var scripted = new ScriptedProvider { Usage = new() { InputTokenCount = 10, OutputTokenCount = 5, TotalTokenCount = 15 } };
        using var traced = scripted.AsBuilder().UseOpenTelemetry(sourceName: TestEngines.UniqueName("meai")).Build();
        await using var engine = TestEngines.Create(traced);
        var name = TestEngines.UniqueName("self-span");

        var result = await engine.ExecuteAsync(Workflow.Create(name).AddLlmStep("draft", "Write", model: "gpt-4o-mini").Build());

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        // The run and its step are the engine's; the chat span is the provider's own, under another source.
        Assert.Equal([$"invoke_workflow {name}", "step draft"], spans.Stopped.Select(a => a.DisplayName).Order(StringComparer.Ordinal));
    }
}
