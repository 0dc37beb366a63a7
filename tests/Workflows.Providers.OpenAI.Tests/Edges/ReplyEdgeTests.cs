using Microsoft.Extensions.AI;

namespace Workflows.Providers.OpenAI.Tests;

/// <summary>
/// Replies other than a plain <c>stop</c> that the other tests leave out: the known finish reasons <c>length</c> and
/// <c>content_filter</c> (read by the SDK, so not replaced and not echoed in AdditionalProperties), and a non-streaming
/// refusal, through the chat client and through a workflow. Tool calls, streamed refusals, unknown finish reasons and
/// non-JSON bodies are pinned in OpenAIModelChatClientTests, ProviderErrorsChatClientTests and OpenAIHttpClientBuilderExtensionsTests.
/// </summary>
public sealed class ReplyEdgeTests : IAsyncLifetime
{
    private ScriptedServer _server = null!;

    public async Task InitializeAsync() => _server = await ScriptedServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData("length")]
    [InlineData("content_filter")]
    public async Task GetResponseAsync_KnownFinishReasonOtherThanStop_IsReadAsSuchAndNotReplaced(string reason)
    {
        _server.EnqueueJson(200, ScriptedServer.Completion("cut off mid", finishReason: reason));
        await using var harness = Create();

        var response = await harness.ChatClient.GetResponseAsync("Hi");

        Assert.Equal("cut off mid", response.Text);
        Assert.Equal(new ChatFinishReason(reason), response.FinishReason);
        Assert.False(response.AdditionalProperties?.ContainsKey("finish_reason") ?? false);
        Assert.Equal(20, response.Usage!.TotalTokenCount);
    }

    [Fact]
    public async Task GetResponseAsync_LegacyFunctionCallFinishReason_IsReadAsToolCallsAndNotReplaced()
    {
        _server.EnqueueJson(200, ScriptedServer.Completion("legacy", finishReason: "function_call"));
        await using var harness = Create();

        var response = await harness.ChatClient.GetResponseAsync("Hi");

        Assert.Equal("legacy", response.Text);
        Assert.Equal(ChatFinishReason.ToolCalls, response.FinishReason);
        Assert.False(response.AdditionalProperties?.ContainsKey("finish_reason") ?? false);
    }

    [Theory]
    [InlineData("length")]
    [InlineData("content_filter")]
    public async Task GetStreamingResponseAsync_KnownFinishReasonOtherThanStop_IsReadAsSuchAndNotReplaced(string reason)
    {
        _server.EnqueueStream([ScriptedServer.Chunk("", role: true), ScriptedServer.Chunk("partial"), ScriptedServer.Chunk(finishReason: reason), ScriptedServer.UsageChunk()]);
        await using var harness = Create();

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in harness.ChatClient.GetStreamingResponseAsync("Hi"))
        {
            updates.Add(update);
        }

        Assert.Equal("partial", string.Concat(updates.Select(static u => u.Text)));
        var last = updates.Last(static u => u.FinishReason is not null);
        Assert.Equal(new ChatFinishReason(reason), last.FinishReason);
        Assert.False(last.AdditionalProperties?.ContainsKey("finish_reason") ?? false);
    }

    [Fact]
    public async Task GetResponseAsync_Refusal_ComesOutAsErrorContentRefusal()
    {
        _server.EnqueueJson(200, Refusal("I can't help with that."));
        await using var harness = Create();

        var response = await harness.ChatClient.GetResponseAsync("Hi");

        var refusal = Assert.Single(response.Messages.SelectMany(static m => m.Contents).OfType<ErrorContent>());
        Assert.Equal("Refusal", refusal.ErrorCode);
        Assert.Equal("I can't help with that.", refusal.Message);
    }

    [Fact]
    public async Task Workflow_ModelRefuses_StepIsRefusedWithTheModelsWordsAndNoOutput()
    {
        _server.EnqueueJson(200, Refusal("I can't help with that."));
        await using var harness = Create();
        await using var engine = new WorkflowEngine(harness.ChatClient);
        var workflow = Workflow.Create("refuse").AddLlmStep("draft", "Write something harmful").AddTransformStep("after", static _ => "never").Build();

        var result = await engine.ExecuteAsync(workflow);

        Assert.Equal(WorkflowStatus.Failed, result.Status);
        Assert.Equal(ErrorKind.Refused, result.Error?.Kind);
        Assert.Equal("draft", result.Error?.StepName);
        Assert.Contains("I can't help with that.", result.Error?.Message, StringComparison.Ordinal);
        var step = Assert.Single(result.Steps);
        Assert.Null(step.Output);
        Assert.Equal(1, _server.RequestCount);
    }

    [Fact]
    public async Task Workflow_ReplyCutByLength_CompletesWithTheTextItGot()
    {
        // A truncated reply is still a reply: the step completes with what the model sent (the finish reason is on the
        // model call's span and log, not an error).
        _server.EnqueueJson(200, ScriptedServer.Completion("The first half of", finishReason: "length"));
        await using var harness = Create();
        await using var engine = new WorkflowEngine(harness.ChatClient);
        var workflow = Workflow.Create("cut").AddLlmStep("draft", "Write a long essay").Build();

        var result = await engine.ExecuteAsync(workflow);

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        Assert.Equal("The first half of", result.Output);
        Assert.Equal(20, result.Metrics.TotalUsage.TotalTokens);
    }

    private static string Refusal(string text) =>
        $$$"""
        {"id":"chatcmpl-refusal","object":"chat.completion","created":1770950813,"model":"gpt-4o-mini-2024-07-18",
         "choices":[{"index":0,"message":{"role":"assistant","content":null,"refusal":{{{System.Text.Json.JsonSerializer.Serialize(text)}}}},"finish_reason":"stop"}],
         "usage":{"prompt_tokens":11,"completion_tokens":9,"total_tokens":20}}
        """;

    private ProviderHarness Create() =>
        ProviderHarness.Create(o =>
        {
            o.Endpoint = _server.V1;
            o.DefaultModel = "gpt-4o-mini";
        });
}
