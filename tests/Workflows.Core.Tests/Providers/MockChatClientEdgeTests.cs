using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;
using Workflows.Tests.TestSupport;

namespace Workflows.Tests.Providers;

/// <summary>
/// The built-in mock provider as an <see cref="IChatClient"/> on its own: its argument checks, scripted failures,
/// latency on the given clock, the shape of its responses and streamed updates, and the services it offers.
/// </summary>
public sealed class MockChatClientEdgeTests
{
    private static readonly ChatMessage[] Prompt = [new(ChatRole.User, "Hello big world")];

    [Fact]
    public void Setup_NullOrInvalidArguments_ThrowNamingThem()
    {
        var mock = new MockChatClient();

        Assert.Equal("prompt", Assert.Throws<ArgumentNullException>(() => mock.WithResponse(null!, "r")).ParamName);
        Assert.Equal("response", Assert.Throws<ArgumentNullException>(() => mock.WithResponse("p", null!)).ParamName);
        Assert.Equal("pattern", Assert.Throws<ArgumentNullException>(() => mock.WithPatternResponse(null!, "r")).ParamName);
        Assert.Equal("response", Assert.Throws<ArgumentNullException>(() => mock.WithPatternResponse("p", null!)).ParamName);
        Assert.Equal("refusal", Assert.Throws<ArgumentNullException>(() => mock.WithRefusal("p", null!)).ParamName);
        Assert.Equal("toolName", Assert.Throws<ArgumentNullException>(() => mock.WithToolCall("p", null!)).ParamName);
        Assert.Equal("toolName", Assert.Throws<ArgumentException>(() => mock.WithToolCall("p", " ")).ParamName);
        Assert.Equal("response", Assert.Throws<ArgumentNullException>(() => mock.WithFallback((string)null!)).ParamName);
        Assert.Equal(
            "responder", Assert.Throws<ArgumentNullException>(() => mock.WithFallback((Func<IReadOnlyList<ChatMessage>, string>)null!)).ParamName);
        Assert.Equal("latency", Assert.Throws<ArgumentOutOfRangeException>(() => mock.WithLatency(TimeSpan.FromTicks(-1))).ParamName);
        Assert.Equal("callNumber", Assert.Throws<ArgumentOutOfRangeException>(() => mock.FailOnCall(0)).ParamName);
        Assert.Equal("serviceType", Assert.Throws<ArgumentNullException>(() => mock.GetService(null!)).ParamName);
        Assert.Empty(mock.Calls);
    }

    [Fact]
    public async Task Calls_NullMessages_ThrowNamingThem()
    {
        var mock = new MockChatClient();

        Assert.Equal("messages", (await Assert.ThrowsAsync<ArgumentNullException>(() => mock.GetResponseAsync(null!))).ParamName);
        Assert.Equal(
            "messages",
            (await Assert.ThrowsAsync<ArgumentNullException>(async () => await mock.GetStreamingResponseAsync(null!).ToListAsync())).ParamName);
        Assert.Equal(0, mock.CallCount);
    }

    [Fact]
    public async Task Calls_AlreadyCancelled_ThrowBeforeTheCallIsCounted()
    {
        var mock = new MockChatClient();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => mock.GetResponseAsync(Prompt, cancellationToken: cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            async () => await mock.GetStreamingResponseAsync(Prompt, cancellationToken: cancelled.Token).ToListAsync());

        Assert.Equal(0, mock.CallCount);
    }

    [Fact]
    public async Task FailOnCall_WithoutAnException_ThrowsAProviderErrorNamingTheCall()
    {
        var mock = new MockChatClient().FailOnCall(2);

        await mock.GetResponseAsync(Prompt);
        var error = await Assert.ThrowsAsync<ProviderException>(() => mock.GetResponseAsync(Prompt));

        Assert.Equal("The mock provider failed call 2 as scripted by FailOnCall(2).", error.Message);
        Assert.Equal(MockChatClient.DefaultName, error.ProviderName);
        Assert.Equal(2, mock.CallCount);
    }

    [Fact]
    public async Task FailOnCall_WithAnException_ThrowsThatException()
    {
        var scripted = new InvalidOperationException("scripted");
        var mock = new MockChatClient().FailOnCall(1, scripted);

        Assert.Same(scripted, await Assert.ThrowsAsync<InvalidOperationException>(() => mock.GetResponseAsync(Prompt)));
        Assert.Same(scripted, await Assert.ThrowsAsync<InvalidOperationException>(async () => await new MockChatClient()
            .FailOnCall(1, scripted).GetStreamingResponseAsync(Prompt).ToListAsync()));
    }

    [Fact]
    public async Task WithLatency_WaitsOnTheGivenClockAndStampsItsTime()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));
        var mock = new MockChatClient(time).WithLatency(TimeSpan.FromHours(1));

        var call = mock.GetResponseAsync(Prompt);
        Assert.False(call.IsCompleted);
        time.Advance(TimeSpan.FromHours(1));
        var response = await call.Within();

        Assert.Equal(new DateTimeOffset(2026, 12, 6, 13, 0, 0, TimeSpan.Zero), response.CreatedAt);
    }

    [Fact]
    public async Task GetResponseAsync_ResponseCarriesIdModelFinishReasonAndUsage()
    {
        var mock = new MockChatClient().WithToolCall("weather", "get_weather");

        var text = await mock.GetResponseAsync(Prompt, new ChatOptions { ModelId = "gpt-4o-mini" });
        var toolCall = await mock.GetResponseAsync([new ChatMessage(ChatRole.User, "weather?")]);

        Assert.Matches("^mock-[0-9a-f]{32}$", text.ResponseId);
        Assert.Equal("gpt-4o-mini", text.ModelId);
        Assert.Equal(ChatFinishReason.Stop, text.FinishReason);
        Assert.Equal(4, text.Usage?.InputTokenCount); // "Hello big world": 15 characters, about 4 tokens
        Assert.Equal(ChatFinishReason.ToolCalls, toolCall.FinishReason);
        Assert.Null(toolCall.ModelId);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_ChunksAtSpacesAndEndsWithFinishReasonAndUsage()
    {
        var mock = new MockChatClient().WithResponse("Hello big world", "One  two ").WithResponse("empty", string.Empty);

        var updates = await mock.GetStreamingResponseAsync(Prompt, new ChatOptions { ModelId = "gpt-4o" }).ToListAsync();
        var empty = await mock.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "empty")]).ToListAsync();

        Assert.Equal(["One", " ", " two", " ", string.Empty], updates.Select(u => u.Text));
        Assert.All(updates, u => Assert.Equal("gpt-4o", u.ModelId));
        Assert.Single(updates.Select(u => u.ResponseId).Distinct());
        Assert.Matches("^mock-[0-9a-f]{32}$", updates[0].ResponseId);
        Assert.Single(updates.Select(u => u.MessageId).Distinct());
        Assert.Matches("^msg-[0-9a-f]{32}$", updates[0].MessageId);
        var last = updates[^1];
        Assert.Equal(ChatFinishReason.Stop, last.FinishReason);
        Assert.IsType<UsageContent>(Assert.Single(last.Contents));
        Assert.Null(updates[0].FinishReason);
        Assert.Equal(string.Empty, Assert.Single(empty).Text); // no text chunk, only the closing update
    }

    [Fact]
    public async Task GetStreamingResponseAsync_ToolCallAndNoUsage_ClosingUpdateSaysSo()
    {
        var mock = new MockChatClient().WithToolCall("weather", "get_weather").WithoutUsage();

        var updates = await mock.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "weather?")]).ToListAsync();

        Assert.Equal(2, updates.Count);
        Assert.IsType<FunctionCallContent>(Assert.Single(updates[0].Contents));
        Assert.Equal(ChatFinishReason.ToolCalls, updates[1].FinishReason);
        Assert.Empty(updates[1].Contents);
        Assert.True(mock.Calls[0].Streamed);
    }

    [Fact]
    public async Task Calls_MessagesThatAreNotAList_AreReadAndRecorded()
    {
        var mock = new MockChatClient().WithResponse("Hello big world", "Hi");

        var response = await mock.GetResponseAsync(Prompt.Where(static _ => true));
        var updates = await mock.GetStreamingResponseAsync(Prompt.Where(static _ => true)).ToListAsync();

        Assert.Equal("Hi", response.Text);
        Assert.Equal("Hi", string.Concat(updates.Select(u => u.Text)));
        Assert.All(mock.Calls, c => Assert.Equal("Hello big world", c.Prompt));
        Assert.Equal([false, true], mock.Calls.Select(c => c.Streamed));
    }

    [Fact]
    public void GetService_OffersItsMetadataAndItself()
    {
        var mock = new MockChatClient();

        Assert.Equal(MockChatClient.DefaultName, Assert.IsType<ChatClientMetadata>(mock.GetService(typeof(ChatClientMetadata))).ProviderName);
        Assert.Same(mock, mock.GetService(typeof(MockChatClient)));
        Assert.Same(mock, mock.GetService(typeof(IChatClient)));
        Assert.Null(mock.GetService(typeof(string)));
        Assert.Null(mock.GetService(typeof(MockChatClient), "keyed"));
        Assert.Null(mock.GetService(typeof(ChatClientMetadata), "keyed"));
    }
}
