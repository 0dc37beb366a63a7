using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Workflows.Providers.OpenAI.Tests;

/// <summary>
/// The provider's <see cref="IChatClient"/> against the aimock OpenAI emulator (fixtures: tests/aimock/fixtures):
/// streaming with usage, a tool-call round trip through MEAI's function invocation, and a llama.cpp-style finish reason.
/// Skipped without AIMOCK_URL, failing in CI.
/// </summary>
[Collection(AimockCollection.Name)]
public sealed class AimockChatClientTests(CostBudget budget)
{
    private static readonly PriceTable Prices = new();

    [AimockFact]
    public async Task GetStreamingResponseAsync_ChatWithUsage_StreamsTheTextAndEndsWithTheUsage()
    {
        var testBudget = budget.ForTest(nameof(GetStreamingResponseAsync_ChatWithUsage_StreamsTheTextAndEndsWithTheUsage));
        var testId = Guid.NewGuid().ToString("N");
        await using var harness = AimockProviderTests.Create(testId, o => o.Endpoint = new Uri(Aimock.RequiredUrl, "v1"));

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in harness.ChatClient.GetStreamingResponseAsync("aimock-stream: Count to three.", new ChatOptions { ModelId = "gpt-4o-mini", MaxOutputTokens = 32 }))
        {
            updates.Add(update);
        }

        var response = updates.ToChatResponse();
        var usage = TokenUsage.FromUsageDetails(response.Usage);
        testBudget.Record(usage, Prices.Estimate(response.ModelId!, usage));
        Assert.True(updates.Count > 2, $"expected several chunks, got {updates.Count}");
        Assert.Equal("One, two, three.", response.Text);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.Equal("gpt-4o-mini-2024-07-18", response.ModelId);
        Assert.Equal(TokenUsage.From(9, 6), usage);
        Assert.Single(updates.SelectMany(static u => u.Contents).OfType<UsageContent>());
        var body = AimockJournal.Body(Assert.Single(await AimockJournal.ForTestAsync(testId)));
        Assert.True(body["stream"]!.GetValue<bool>());
        Assert.True(body["stream_options"]!["include_usage"]!.GetValue<bool>());
        Assert.Equal(32, body["max_completion_tokens"]!.GetValue<int>());
    }

    [AimockFact]
    public async Task GetResponseAsync_ToolCallRoundTripThroughFunctionInvocation_CallsTheToolAndAnswers()
    {
        var testBudget = budget.ForTest(nameof(GetResponseAsync_ToolCallRoundTripThroughFunctionInvocation_CallsTheToolAndAnswers));
        var testId = Guid.NewGuid().ToString("N");
        await using var harness = AimockProviderTests.Create(testId, o => o.Endpoint = new Uri(Aimock.RequiredUrl, "v1"));
        var cities = new List<string>();
        using var client = harness.ChatClient.AsBuilder().UseFunctionInvocation().Build();
        var options = new ChatOptions
        {
            ModelId = "gpt-4o-mini",
            Tools = [AIFunctionFactory.Create((string city) => { cities.Add(city); return $"sunny in {city}"; }, "get_weather", "Gets the weather of a city.")],
        };

        var response = await client.GetResponseAsync("aimock-tool: What is the weather in Lisbon?", options);

        var usage = TokenUsage.FromUsageDetails(response.Usage);
        testBudget.Record(usage, Prices.Estimate("gpt-4o-mini", usage));
        Assert.Equal(["Lisbon"], cities);
        Assert.Equal("It is sunny in Lisbon.", response.Text);
        Assert.Equal(TokenUsage.From(132, 22), usage);
        var entries = await AimockJournal.ForTestAsync(testId);
        Assert.Equal(2, entries.Count);
        Assert.Equal("get_weather", AimockJournal.Body(entries[0])["tools"]![0]!["function"]!["name"]!.GetValue<string>());
        var toolMessage = AimockJournal.Body(entries[1])["messages"]!.AsArray().OfType<JsonObject>().Single(static m => m["role"]!.GetValue<string>() == "tool");
        Assert.Equal("call_weather_1", toolMessage["tool_call_id"]!.GetValue<string>());
        Assert.Contains("sunny in Lisbon", toolMessage["content"]!.ToJsonString(), StringComparison.Ordinal);
    }

    [AimockFact]
    public async Task GetStreamingResponseAsync_ToolCall_ComesOutAsOneFunctionCall()
    {
        var testId = Guid.NewGuid().ToString("N");
        await using var harness = AimockProviderTests.Create(testId, o => o.Endpoint = new Uri(Aimock.RequiredUrl, "v1"));

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in harness.ChatClient.GetStreamingResponseAsync("aimock-tool: What is the weather in Lisbon?", new ChatOptions
        {
            ModelId = "gpt-4o-mini",
            Tools = [AIFunctionFactory.Create((string city) => city, "get_weather")],
        }))
        {
            updates.Add(update);
        }

        var call = Assert.Single(updates.SelectMany(static u => u.Contents).OfType<FunctionCallContent>());
        Assert.Equal("call_weather_1", call.CallId);
        Assert.Equal("get_weather", call.Name);
        Assert.Equal("Lisbon", call.Arguments!["city"]!.ToString());
        Assert.Equal(ChatFinishReason.ToolCalls, updates.ToChatResponse().FinishReason);
    }

    [AimockFact]
    public async Task GetResponseAsync_FinishReasonEos_KeepsTheReplyAndTheOriginalValue()
    {
        var testId = Guid.NewGuid().ToString("N");
        await using var harness = AimockProviderTests.Create(testId, o => o.Endpoint = new Uri(Aimock.RequiredUrl, "v1"));

        var response = await harness.ChatClient.GetResponseAsync("aimock-eos: Answer the way llama.cpp does.", new ChatOptions { ModelId = "llama-3.2-3b-instruct" });

        Assert.Equal("Done.", response.Text);
        Assert.Equal("eos", response.FinishReason?.Value);
        Assert.Equal("eos", response.AdditionalProperties!["finish_reason"]);
        Assert.Equal(10, response.Usage!.TotalTokenCount);
    }
}
