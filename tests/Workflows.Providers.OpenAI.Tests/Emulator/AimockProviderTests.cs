using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Workflows.Providers.OpenAI.Tests;

/// <summary>
/// The provider against the aimock OpenAI emulator started by eng/test.sh (fixtures: tests/aimock/fixtures), checked
/// against the emulator's request journal. Skipped without AIMOCK_URL, failing in CI.
/// </summary>
[Collection(AimockCollection.Name)]
public sealed class AimockProviderTests(CostBudget budget)
{
    private static readonly PriceTable Prices = new();

    [AimockFact]
    public async Task CompleteAsync_ChatWithUsage_ReadsTheEmulatorsReplyAndUsage()
    {
        var testBudget = budget.ForTest(nameof(CompleteAsync_ChatWithUsage_ReadsTheEmulatorsReplyAndUsage));
        var testId = Guid.NewGuid().ToString("N");
        await using var harness = Create(testId, o => o.Endpoint = new Uri(Aimock.RequiredUrl, "v1"));

        var response = await harness.Provider.CompleteAsync(new TestCall("aimock-usage: Name the capital of France.") { Temperature = 0.2, MaxTokens = 64 });
        testBudget.Record(response.Usage, Prices.Estimate(response.Model!, response.Usage));

        Assert.Equal("Paris is the capital of France.", response.Content);
        Assert.Equal("stop", response.FinishReason);
        Assert.Equal("gpt-4o-mini-2024-07-18", response.Model);
        Assert.Equal("chatcmpl-aimock-usage", response.ResponseId);
        Assert.Equal(TokenUsage.From(17, 7), response.Usage);
        var entry = Assert.Single(await AimockJournal.ForTestAsync(testId));
        Assert.Equal("/v1/chat/completions", AimockJournal.Path(entry));
        Assert.Equal(200, AimockJournal.Status(entry));
        Assert.True(AimockJournal.Headers(entry).ContainsKey("authorization"));
        var body = AimockJournal.Body(entry);
        Assert.Equal("gpt-4o-mini", body["model"]!.GetValue<string>());
        Assert.Equal(64, body["max_completion_tokens"]!.GetValue<int>());
        Assert.Equal(0.2, body["temperature"]!.GetValue<double>(), 5);
    }

    [AimockFact]
    public async Task CompleteAsync_429WithRetryAfter_IsRetriedAfterTheAnnouncedDelay()
    {
        var testBudget = budget.ForTest(nameof(CompleteAsync_429WithRetryAfter_IsRetriedAfterTheAnnouncedDelay));
        var testId = Guid.NewGuid().ToString("N");
        await using var harness = Create(testId, o =>
        {
            o.Endpoint = new Uri(Aimock.RequiredUrl, "v1");
            o.RetryBaseDelay = TimeSpan.FromMilliseconds(1);
            o.RetryMaxDelay = TimeSpan.FromMilliseconds(5);
        });

        var stopwatch = Stopwatch.StartNew();
        var response = await harness.Provider.CompleteAsync(new TestCall("aimock-retry: Say something after the rate limit."));
        testBudget.Record(response.Usage, Prices.Estimate(response.Model!, response.Usage));

        Assert.Equal("Retried after the rate limit.", response.Content);
        Assert.InRange(stopwatch.Elapsed, TimeSpan.FromMilliseconds(900), TimeSpan.FromSeconds(15)); // Retry-After: 1, backoff alone <= 5 ms
        var entries = await AimockJournal.ForTestAsync(testId);
        Assert.True(entries.Count == 2, AimockJournal.Describe(entries));
        Assert.Equal([429, 200], entries.Select(AimockJournal.Status));
        Assert.True(JsonNode.DeepEquals(AimockJournal.Body(entries[0]), AimockJournal.Body(entries[1])));
    }

    [AimockFact]
    public async Task CompleteAsync_AzureDeployment_CallsTheDeploymentPathWithApiKeyHeader()
    {
        var testBudget = budget.ForTest(nameof(CompleteAsync_AzureDeployment_CallsTheDeploymentPathWithApiKeyHeader));
        var testId = Guid.NewGuid().ToString("N");
        await using var harness = Create(testId, o =>
        {
            o.Endpoint = Aimock.RequiredUrl;
            o.ApiType = OpenAIProviderOptions.AzureApiType;
            o.Deployment = "wf-gpt-4o-mini";
        });

        var response = await harness.Provider.CompleteAsync(new TestCall("aimock-azure: Which deployment answers?"));
        testBudget.Record(response.Usage, Prices.Estimate(response.Model!, response.Usage));

        Assert.Equal("Served by the Azure deployment.", response.Content);
        Assert.Equal(TokenUsage.From(12, 6), response.Usage);
        var entry = Assert.Single(await AimockJournal.ForTestAsync(testId));
        Assert.Equal("/openai/deployments/wf-gpt-4o-mini/chat/completions?api-version=2024-10-21", AimockJournal.Path(entry));
        var headers = AimockJournal.Headers(entry);
        Assert.True(headers.ContainsKey("api-key"), AimockJournal.Describe([entry]));
        Assert.False(headers.ContainsKey("authorization"));
    }

    [Fact]
    public void TestBudget_OverItsLimit_FailsTheTest()
    {
        var suite = new CostBudget(perTestUsd: 0.10m, suiteUsd: 2.00m);
        var testBudget = suite.ForTest("expensive");

        testBudget.Record(TokenUsage.From(100_000, 0), Prices.Estimate("gpt-4o-mini", TokenUsage.From(100_000, 0))); // $0.015
        var error = Assert.Throws<BudgetExceededException>(() =>
            testBudget.Record(TokenUsage.From(0, 200_000), Prices.Estimate("gpt-4o-mini", TokenUsage.From(0, 200_000)))); // +$0.12

        Assert.Contains("expensive spent $0.135", error.Message, StringComparison.Ordinal);
        Assert.Equal(300_000, testBudget.Usage.TotalTokens);
    }

    [Fact]
    public void SuiteBudget_OverItsLimit_FailsTheTestThatCrossesIt()
    {
        var suite = new CostBudget(perTestUsd: 1.00m, suiteUsd: 0.05m);
        suite.ForTest("first").Record(TokenUsage.From(0, 50_000), Prices.Estimate("gpt-4o-mini", TokenUsage.From(0, 50_000))); // $0.03

        var error = Assert.Throws<BudgetExceededException>(() =>
            suite.ForTest("second").Record(TokenUsage.From(0, 50_000), Prices.Estimate("gpt-4o-mini", TokenUsage.From(0, 50_000))));

        Assert.Contains("second crossed it", error.Message, StringComparison.Ordinal);
        Assert.Equal(0.06m, suite.SuiteCostUsd);
    }

    [Fact]
    public void TestBudget_UnpricedModel_Fails()
    {
        var testBudget = new CostBudget().ForTest("unpriced");

        Assert.Throws<BudgetExceededException>(() => testBudget.Record(TokenUsage.From(1, 1), Prices.Estimate("my-local-llama", TokenUsage.From(1, 1))));
    }

    internal static ProviderHarness Create(string testId, Action<OpenAIProviderOptions> configure, IConfiguration? configuration = null) =>
        ProviderHarness.Create(
            configure,
            configuration: configuration,
            services: services => services.AddHttpClient(OpenAIHttpClientBuilderExtensions.ClientName(OpenAIProviderOptions.DefaultName))
                .AddHttpMessageHandler(() => new TestIdHandler(testId)));
}
