using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Workflows.Hosting.Tests.Diagnostics;

public sealed class PricingConfigurationTests
{
    [Fact]
    public async Task ExecuteAsync_PriceInConfiguration_OverridesShippedDefault()
    {
        await using var services = Build(new Dictionary<string, string?>
        {
            ["GenAiWorkflows:Pricing:gpt-4o-mini:InputPerMillionTokens"] = "10",
            ["GenAiWorkflows:Pricing:gpt-4o-mini:CachedInputPerMillionTokens"] = "5",
            ["GenAiWorkflows:Pricing:gpt-4o-mini:OutputPerMillionTokens"] = "20",
        });
        var engine = services.GetRequiredService<IWorkflowEngine>();

        var result = await engine.ExecuteAsync(Workflow.Create("priced").AddLlmStep("ask", "Hello there").Build());

        var usage = result.Metrics.TotalUsage;
        Assert.True(usage.InputTokens > 0 && usage.OutputTokens > 0);
        var expected = ((usage.InputTokens * 10m) + (usage.OutputTokens * 20m)) / 1_000_000m;
        var defaultCost = ((usage.InputTokens * 0.15m) + (usage.OutputTokens * 0.60m)) / 1_000_000m;
        Assert.True(result.Metrics.TotalCost.IsComplete);
        Assert.Equal(expected, result.Metrics.TotalCost.AmountUsd);
        Assert.NotEqual(defaultCost, result.Metrics.TotalCost.AmountUsd);
    }

    [Fact]
    public async Task ExecuteAsync_NewModelPricedInConfiguration_IsPriced()
    {
        await using var services = Build(new Dictionary<string, string?>
        {
            ["GenAiWorkflows:Pricing:house-model:InputPerMillionTokens"] = "1000000",
            ["GenAiWorkflows:Pricing:house-model:OutputPerMillionTokens"] = "2000000",
        });
        var engine = services.GetRequiredService<IWorkflowEngine>();

        // A dated variant is priced by its configured prefix; $1 per input token and $2 per output token.
        var result = await engine.ExecuteAsync(Workflow.Create("house").AddLlmStep("ask", "Hello", model: "house-model-2025-01").Build());

        var usage = result.Metrics.TotalUsage;
        Assert.Equal(usage.InputTokens + (2m * usage.OutputTokens), result.Metrics.TotalCost.AmountUsd);
        Assert.True(result.Metrics.TotalCost.IsComplete);
    }

    [Fact]
    public async Task ExecuteAsync_UnknownModel_ReportsIncompleteCostNamingModel()
    {
        await using var services = Build(new Dictionary<string, string?>());
        var engine = services.GetRequiredService<IWorkflowEngine>();

        var result = await engine.ExecuteAsync(Workflow.Create("unpriced")
            .AddLlmStep("known", "One")
            .AddLlmStep("unknown", "Two", model: "mystery-llm")
            .Build());

        var cost = result.Metrics.TotalCost;
        Assert.False(cost.IsComplete);
        Assert.Equal(["mystery-llm"], cost.UnpricedModels);
        Assert.True(cost.AmountUsd > 0);
        Assert.Equal(result.Steps[0].Cost.AmountUsd, cost.AmountUsd);
        Assert.False(result.Steps[1].Cost.IsComplete);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddGenAiWorkflows();
        return services.BuildServiceProvider();
    }
}
