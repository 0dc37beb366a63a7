using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Workflows.Providers.OpenAI.Tests;

/// <summary>
/// A three-step workflow run by the engine on the OpenAI provider against aimock. Each fixture matches only the prompt
/// built from the previous step's output, so the content proves that the data flowed from step to step.
/// </summary>
[Collection(AimockCollection.Name)]
public sealed class AimockWorkflowTests(CostBudget budget)
{
    [AimockFact]
    public async Task ExecuteAsync_ThreeStepTravelWorkflow_PassesEachOutputOnAndReportsUsageAndCost()
    {
        var testBudget = budget.ForTest(nameof(ExecuteAsync_ThreeStepTravelWorkflow_PassesEachOutputOnAndReportsUsageAndCost));
        var testId = Guid.NewGuid().ToString("N");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["GenAiWorkflows:DefaultProvider"] = "openai",
            ["GenAiWorkflows:DefaultModel"] = "gpt-4o-mini",
        }).Build();
        await using var harness = AimockProviderTests.Create(testId, o => o.Endpoint = new Uri(Aimock.RequiredUrl, "v1"), configuration);
        var engine = harness.Services.GetRequiredService<IWorkflowEngine>();
        var workflow = new WorkflowBuilder("travel-tip")
            .AddLlmStep("city", "Extract the city from: '{note}'. Reply with the city name only.")
            .AddLlmStep("country", "Which country is the city {city} in? Reply with the country name only.")
            .AddLlmStep("tip", "Write a one-sentence travel tip for {city}, {country}.")
            .Build();

        var result = await engine.ExecuteAsync(workflow, new Dictionary<string, object?>
        {
            ["note"] = "Our team offsite this spring is in Lisbon, right by the river.",
        });
        testBudget.Record(result);

        Assert.True(result.IsSuccess, result.Error?.Message);
        Assert.Equal("Lisbon", result.GetStep("city")!.Output);
        Assert.Equal("Portugal", result.GetStep("country")!.Output);
        var tip = Assert.IsType<string>(result.GetStep("tip")!.Output);
        Assert.Contains("Lisbon", tip, StringComparison.Ordinal);
        Assert.Contains("Portugal", tip, StringComparison.Ordinal);
        Assert.Equal(tip, result.Output);

        Assert.Equal(TokenUsage.From(41, 2), result.GetStep("city")!.Usage);
        Assert.Equal(TokenUsage.From(23, 2), result.GetStep("country")!.Usage);
        Assert.Equal(TokenUsage.From(30, 18), result.GetStep("tip")!.Usage);
        Assert.Equal(TokenUsage.From(94, 22), result.Metrics.TotalUsage);
        Assert.Equal(3, result.Metrics.LlmCalls);

        // gpt-4o-mini: $0.15 per million input tokens, $0.60 per million output tokens.
        Assert.Equal(((41m * 0.15m) + (2m * 0.60m)) / 1_000_000m, result.GetStep("city")!.Cost.AmountUsd);
        Assert.Equal(((94m * 0.15m) + (22m * 0.60m)) / 1_000_000m, result.Metrics.TotalCost.AmountUsd);
        Assert.True(result.Metrics.TotalCost.IsComplete);
        Assert.Equal(result.Metrics.TotalCost.AmountUsd, testBudget.CostUsd);
        Assert.True(testBudget.CostUsd <= CostBudget.DefaultPerTestUsd);

        var entries = await AimockJournal.ForTestAsync(testId);
        Assert.Equal(3, entries.Count);
        Assert.All(entries, static e => Assert.Equal(200, AimockJournal.Status(e)));
    }

    [AimockFact]
    public async Task StreamAsync_OnOpenAIProvider_SendsDeltasAndExactUsageFromTheFinalChunk()
    {
        var testBudget = budget.ForTest(nameof(StreamAsync_OnOpenAIProvider_SendsDeltasAndExactUsageFromTheFinalChunk));
        var testId = Guid.NewGuid().ToString("N");
        await using var harness = AimockProviderTests.Create(testId, o => o.Endpoint = new Uri(Aimock.RequiredUrl, "v1"), OpenAIDefaults());
        var engine = harness.Services.GetRequiredService<IWorkflowEngine>();
        var workflow = new WorkflowBuilder("count").AddStep(new LlmStep("count", "aimock-stream: Count to three.") { MaxTokens = 32 }).Build();

        var events = new List<WorkflowEvent>();
        await foreach (var e in engine.StreamAsync(workflow))
        {
            events.Add(e);
        }

        var result = Assert.IsType<RunCompletedEvent>(events[^1]).Result;
        testBudget.Record(result);
        Assert.True(result.IsSuccess, result.Error?.Message);
        var deltas = events.OfType<TextDeltaEvent>().ToList();
        Assert.True(deltas.Count > 1, $"expected several deltas, got {deltas.Count}");
        Assert.All(deltas, static d => Assert.Equal("count", d.StepName));
        Assert.Equal("One, two, three.", string.Concat(deltas.Select(static d => d.Text)));
        Assert.Equal("One, two, three.", result.Output);
        Assert.Equal(TokenUsage.From(9, 6), result.Steps[0].Usage);
        Assert.True(AimockJournal.Body(Assert.Single(await AimockJournal.ForTestAsync(testId)))["stream"]!.GetValue<bool>());
    }

    [AimockFact]
    public async Task ExecuteAsync_StepWithTool_RunsTheToolLoopAndMetersEveryRound()
    {
        var testBudget = budget.ForTest(nameof(ExecuteAsync_StepWithTool_RunsTheToolLoopAndMetersEveryRound));
        var testId = Guid.NewGuid().ToString("N");
        await using var harness = AimockProviderTests.Create(testId, o => o.Endpoint = new Uri(Aimock.RequiredUrl, "v1"), OpenAIDefaults());
        var engine = harness.Services.GetRequiredService<IWorkflowEngine>();
        var cities = new List<string>();
        var weather = Microsoft.Extensions.AI.AIFunctionFactory.Create(
            (string city) => { cities.Add(city); return $"sunny in {city}"; }, "get_weather", "Gets the weather of a city.");
        var workflow = new WorkflowBuilder("weather")
            .AddStep(new LlmStep("answer", "aimock-tool: What is the weather in Lisbon?") { Tools = [weather] })
            .Build();

        var result = await engine.ExecuteAsync(workflow);
        testBudget.Record(result);

        Assert.True(result.IsSuccess, result.Error?.Message);
        Assert.Equal("It is sunny in Lisbon.", result.Output);
        Assert.Equal(["Lisbon"], cities);
        Assert.Equal(2, result.Steps[0].LlmCalls);
        Assert.Equal(TokenUsage.From(132, 22), result.Steps[0].Usage);
        Assert.Equal(2, (await AimockJournal.ForTestAsync(testId)).Count);
    }

    private static IConfiguration OpenAIDefaults() => new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["GenAiWorkflows:DefaultProvider"] = "openai",
        ["GenAiWorkflows:DefaultModel"] = "gpt-4o-mini",
    }).Build();
}
