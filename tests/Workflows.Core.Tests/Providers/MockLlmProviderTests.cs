using Microsoft.Extensions.Time.Testing;
using Workflows.Tests.TestSupport;

namespace Workflows.Tests.Providers;

public sealed class MockLlmProviderTests
{
    [Fact]
    public async Task CompleteAsync_ExactPrompt_ReturnsCannedResponse()
    {
        var mock = new MockLlmProvider().WithResponse("Hello", "Hi there");

        var response = await mock.CompleteAsync(new LlmRequest("Hello"));

        Assert.Equal("Hi there", response.Content);
        Assert.Equal("stop", response.FinishReason);
        Assert.Equal(LlmRequest.DefaultModel, response.Model);
    }

    [Fact]
    public async Task CompleteAsync_ExactAndPatternMatch_ExactWins()
    {
        var mock = new MockLlmProvider()
            .WithPatternResponse("^Hel+o$", "pattern")
            .WithResponse("Hello", "exact");

        Assert.Equal("exact", (await mock.CompleteAsync(new LlmRequest("Hello"))).Content);
        Assert.Equal("pattern", (await mock.CompleteAsync(new LlmRequest("Hellllo"))).Content);
    }

    [Fact]
    public async Task CompleteAsync_Pattern_SubstitutesCapturedGroups()
    {
        var mock = new MockLlmProvider()
            .WithPatternResponse("^Translate '(.+)' to (?<lang>\\w+)$", "[${lang}] $1");

        var response = await mock.CompleteAsync(new LlmRequest("Translate 'good morning' to French"));

        Assert.Equal("[French] good morning", response.Content);
    }

    [Fact]
    public async Task CompleteAsync_SeveralPatternsMatch_FirstAddedWins()
    {
        var mock = new MockLlmProvider()
            .WithPatternResponse("apple", "first")
            .WithPatternResponse("apple pie", "second");

        Assert.Equal("first", (await mock.CompleteAsync(new LlmRequest("apple pie"))).Content);
    }

    [Fact]
    public async Task CompleteAsync_NothingMatches_UsesDefaultThenConfiguredFallback()
    {
        var mock = new MockLlmProvider();
        Assert.Equal("Mock response to: anything", (await mock.CompleteAsync(new LlmRequest("anything"))).Content);

        mock.WithFallback("fallback");
        Assert.Equal("fallback", (await mock.CompleteAsync(new LlmRequest("anything"))).Content);

        mock.WithFallback(static r => r.Prompt.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("8", (await mock.CompleteAsync(new LlmRequest("anything"))).Content);
    }

    [Fact]
    public async Task CompleteAsync_MatchesLastUserMessageNotSystemPrompt()
    {
        var mock = new MockLlmProvider().WithResponse("question", "answer").WithResponse("You are terse.", "wrong");

        var response = await mock.CompleteAsync(new LlmRequest("question", systemPrompt: "You are terse."));

        Assert.Equal("answer", response.Content);
    }

    [Fact]
    public async Task CompleteAsync_SameRequest_DeterministicTokenCounts()
    {
        var mock = new MockLlmProvider().WithResponse("12345678", "abcde");
        var request = new LlmRequest("12345678", systemPrompt: "1234");

        var first = await mock.CompleteAsync(request);
        var second = await mock.CompleteAsync(request);

        // System (4 chars -> 1) + user (8 chars -> 2); output 5 chars -> 2.
        Assert.Equal(TokenUsage.From(3, 2), first.Usage);
        Assert.Equal(first.Usage, second.Usage);
        Assert.Equal(second.Usage, mock.Complete(request).Usage);
    }

    [Theory]
    [InlineData(null, 0)]
    [InlineData("", 0)]
    [InlineData("a", 1)]
    [InlineData("abcd", 1)]
    [InlineData("abcde", 2)]
    public void CountTokens_ApproximatesFourCharactersPerToken(string? text, long expected)
    {
        Assert.Equal(expected, MockLlmProvider.CountTokens(text));
    }

    [Fact]
    public void Complete_Sync_AnswersLikeAsync()
    {
        var mock = new MockLlmProvider().WithPatternResponse("^x(\\d)$", "y$1");

        Assert.Equal("y7", mock.Complete(new LlmRequest("x7")).Content);
        Assert.Equal(1, mock.CallCount);
    }

    [Fact]
    public async Task CompleteAsync_Latency_WaitsOnTheTimeProvider()
    {
        var time = new FakeTimeProvider();
        var mock = new MockLlmProvider(time).WithLatency(TimeSpan.FromSeconds(2));

        var call = mock.CompleteAsync(new LlmRequest("p"));
        time.Advance(TimeSpan.FromMilliseconds(1999));
        Assert.False(call.IsCompleted);

        time.Advance(TimeSpan.FromMilliseconds(1));
        var response = await call.Within();
        Assert.Equal("Mock response to: p", response.Content);
    }

    [Fact]
    public async Task CompleteAsync_LatencyCancelled_ThrowsOperationCanceled()
    {
        var time = new FakeTimeProvider();
        var mock = new MockLlmProvider(time).WithLatency(TimeSpan.FromMinutes(1));
        using var cts = new CancellationTokenSource();

        var call = mock.CompleteAsync(new LlmRequest("p"), cts.Token);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.Within());
    }

    [Fact]
    public async Task Complete_Latency_BlocksUntilTheTimeProviderAdvances()
    {
        var time = new FakeTimeProvider();
        var mock = new MockLlmProvider(time).WithLatency(TimeSpan.FromSeconds(5));

        var call = Task.Run(() => mock.Complete(new LlmRequest("p")));
        await Task.WhenAny(call, Task.Delay(20));
        Assert.False(call.IsCompleted);

        var deadline = DateTime.UtcNow + Bounded.Timeout;
        while (!call.IsCompleted && DateTime.UtcNow < deadline)
        {
            time.Advance(TimeSpan.FromSeconds(5));
            await Task.Delay(1);
        }

        Assert.Equal("Mock response to: p", (await call.Within()).Content);
    }

    [Fact]
    public async Task FailOnCall_NthCall_FailsOnlyThatCall()
    {
        var mock = new MockLlmProvider().FailOnCall(2);

        await mock.CompleteAsync(new LlmRequest("a"));
        var ex = await Assert.ThrowsAsync<ProviderException>(() => mock.CompleteAsync(new LlmRequest("b")));
        await mock.CompleteAsync(new LlmRequest("c"));

        Assert.Equal("mock", ex.ProviderName);
        Assert.Contains("FailOnCall(2)", ex.Message, StringComparison.Ordinal);
        Assert.Equal(3, mock.CallCount);
    }

    [Fact]
    public void FailOnCall_CustomException_IsThrownBySyncPath()
    {
        var failure = new ProviderAuthException("bad key");
        var mock = new MockLlmProvider().FailOnCall(1, failure);

        var ex = Assert.Throws<ProviderAuthException>(() => mock.Complete(new LlmRequest("a")));

        Assert.Same(failure, ex);
    }

    [Fact]
    public void FailOnCall_ZeroOrNegative_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new MockLlmProvider().FailOnCall(0));
    }

    [Fact]
    public void WithPatternResponse_InvalidRegex_ThrowsArgumentException()
    {
        Assert.ThrowsAny<ArgumentException>(() => new MockLlmProvider().WithPatternResponse("([a-z", "x"));
    }

    [Fact]
    public async Task CompleteAsync_ManyConcurrentCalls_CountsAndAnswersEachCorrectly()
    {
        var mock = new MockLlmProvider().WithPatternResponse("^n=(\\d+)$", "echo $1").FailOnCall(50);

        var calls = Enumerable.Range(0, 200).Select(i => Task.Run(async () =>
        {
            try
            {
                return (i, (await mock.CompleteAsync(new LlmRequest($"n={i}"))).Content);
            }
            catch (ProviderException)
            {
                return (i, "failed");
            }
        }));
        var results = await Task.WhenAll(calls).Within();

        Assert.Equal(200, mock.CallCount);
        Assert.Equal(200, mock.Requests.Count);
        Assert.Single(results, static r => r.Item2 == "failed");
        Assert.All(results.Where(static r => r.Item2 != "failed"), static r => Assert.Equal($"echo {r.i}", r.Item2));
        Assert.Equal(200, mock.Requests.Select(static r => r.Prompt).Distinct().Count());
    }

    [Fact]
    public void Complete_ManyThreads_CountsEveryCall()
    {
        var mock = new MockLlmProvider().WithResponse("p", "r");

        Parallel.For(0, 100, _ => Assert.Equal("r", mock.Complete(new LlmRequest("p")).Content));

        Assert.Equal(100, mock.CallCount);
    }
}
