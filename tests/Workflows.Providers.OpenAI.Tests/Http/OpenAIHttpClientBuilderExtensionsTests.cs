using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Microsoft.Extensions.Time.Testing;
using Polly;
using Polly.Retry;

namespace Workflows.Providers.OpenAI.Tests;

/// <summary>The resilience pipeline of the provider's HttpClient, against scripted faults on a real Kestrel server.</summary>
public sealed class OpenAIHttpClientBuilderExtensionsTests : IAsyncLifetime
{
    private const string RateLimited = """{"error":{"message":"Rate limit reached for gpt-4o-mini.","type":"requests","param":null,"code":"rate_limit_exceeded"}}""";
    private const string ServerError = """{"error":{"message":"The server had an error while processing your request.","type":"server_error","param":null,"code":null}}""";
    private const string Unavailable = """{"error":{"message":"The engine is currently overloaded.","type":"server_error","param":null,"code":"overloaded"}}""";
    private const string BadRequest = """{"error":{"message":"Invalid value for 'temperature': must be at most 2.","type":"invalid_request_error","param":"temperature","code":"invalid_value"}}""";
    private const string Unauthorized = """{"error":{"message":"Incorrect API key provided: sk-te****6053.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}""";

    private ScriptedServer _server = null!;

    public async Task InitializeAsync() => _server = await ScriptedServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task CompleteAsync_429WithoutRetryAfterThen200_RetriesOnceAndSucceeds()
    {
        _server.EnqueueJson(429, RateLimited).EnqueueCompletion("after 429");
        await using var harness = ProviderHarness.Create(o => o.Endpoint = _server.V1);

        var response = await harness.Provider.CompleteAsync(new TestCall("Hi"));

        Assert.Equal("after 429", response.Content);
        Assert.Equal(2, _server.RequestCount);
        Assert.Equal(_server.Requests[0].Body, _server.Requests[1].Body);
    }

    [Fact]
    public async Task CompleteAsync_429WithRetryAfter_WaitsTheRetryAfterDelayOnTheInjectedClock()
    {
        _server.EnqueueJson(429, RateLimited, ("Retry-After", "20")).EnqueueCompletion("after Retry-After");
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await using var harness = ProviderHarness.Create(
            o =>
            {
                o.Endpoint = _server.V1;
                o.RetryBaseDelay = TimeSpan.FromMilliseconds(1);
                o.RetryMaxDelay = TimeSpan.FromMilliseconds(1);
            },
            timeProvider: clock);

        var call = harness.Provider.CompleteAsync(new TestCall("Hi"));
        await WaitUntilAsync(() => _server.RequestCount == 1);

        // No real sleeping: the backoff waits on the fake clock, so the second attempt comes only once it has moved 20 s.
        var advanced = TimeSpan.Zero;
        while (_server.RequestCount < 2 && advanced < TimeSpan.FromSeconds(40))
        {
            await Task.Delay(20);
            if (_server.RequestCount >= 2)
            {
                break;
            }

            clock.Advance(TimeSpan.FromSeconds(1));
            advanced += TimeSpan.FromSeconds(1);
        }

        var response = await call.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("after Retry-After", response.Content);
        Assert.Equal(2, _server.RequestCount);
        Assert.InRange(advanced, TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(40));
    }

    [Fact]
    public async Task CompleteAsync_429WithRetryAfter_WaitsTheRetryAfterDelayInRealTime()
    {
        // The same with the system clock and a short header: the backoff alone (1-5 ms) could not take this long.
        _server.EnqueueJson(429, RateLimited, ("Retry-After", "1")).EnqueueCompletion("after Retry-After");
        await using var harness = ProviderHarness.Create(o =>
        {
            o.Endpoint = _server.V1;
            o.RetryBaseDelay = TimeSpan.FromMilliseconds(1);
            o.RetryMaxDelay = TimeSpan.FromMilliseconds(5);
        });

        var stopwatch = Stopwatch.StartNew();
        var response = await harness.Provider.CompleteAsync(new TestCall("Hi"));

        Assert.Equal("after Retry-After", response.Content);
        Assert.Equal(2, _server.RequestCount);
        Assert.InRange(stopwatch.Elapsed, TimeSpan.FromMilliseconds(900), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task CompleteAsync_500Then200_RetriesAndSucceeds()
    {
        _server.EnqueueJson(500, ServerError).EnqueueCompletion("after 500");
        await using var harness = ProviderHarness.Create(o => o.Endpoint = _server.V1);

        var response = await harness.Provider.CompleteAsync(new TestCall("Hi"));

        Assert.Equal("after 500", response.Content);
        Assert.Equal(2, _server.RequestCount);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(2)]
    [InlineData(1)]
    public async Task CompleteAsync_503Always_GivesUpAfterExactlyMaxAttempts(int maxAttempts)
    {
        _server.Fallback = static context => ScriptedServer.Respond(context, 503, Unavailable, ("x-request-id", "req_503"));
        await using var harness = ProviderHarness.Create(o =>
        {
            o.Endpoint = _server.V1;
            o.MaxAttempts = maxAttempts;
        });

        var error = await Assert.ThrowsAsync<ProviderException>(() => harness.Provider.CompleteAsync(new TestCall("Hi")));

        Assert.Equal(maxAttempts, _server.RequestCount);
        Assert.IsNotType<ProviderAuthException>(error);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.StatusCode);
        Assert.Equal("overloaded", error.ErrorCode);
        Assert.Equal("req_503", error.RequestId);
        Assert.Equal("openai", error.ProviderName);
        Assert.Contains("The engine is currently overloaded.", error.Message, StringComparison.Ordinal);
        Assert.Contains($"Gave up after {maxAttempts} attempt", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CompleteAsync_503ThreeTimesWithDefaults_MakesExactlyThreeAttempts()
    {
        _server.Fallback = static context => ScriptedServer.Respond(context, 503, Unavailable);
        await using var harness = ProviderHarness.Create(o => o.Endpoint = _server.V1);

        await Assert.ThrowsAsync<ProviderException>(() => harness.Provider.CompleteAsync(new TestCall("Hi")));

        Assert.Equal(new OpenAIProviderOptions().MaxAttempts, _server.RequestCount);
        Assert.Equal(3, _server.RequestCount);
    }

    [Theory]
    [InlineData(401)]
    [InlineData(403)]
    public async Task CompleteAsync_401Or403_ThrowsProviderAuthExceptionAfterOneAttempt(int status)
    {
        _server.Fallback = context => ScriptedServer.Respond(context, status, Unauthorized, ("x-request-id", "req_auth"));
        await using var harness = ProviderHarness.Create(o => o.Endpoint = _server.V1);

        var error = await Assert.ThrowsAsync<ProviderAuthException>(() => harness.Provider.CompleteAsync(new TestCall("Hi")));

        Assert.Equal(1, _server.RequestCount);
        Assert.Equal((HttpStatusCode)status, error.StatusCode);
        Assert.Equal("invalid_api_key", error.ErrorCode);
        Assert.Equal("req_auth", error.RequestId);
        Assert.Contains("Incorrect API key provided: sk-te****6053.", error.Message, StringComparison.Ordinal);
        Assert.Contains("OPENAI_API_KEY", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(404)]
    public async Task CompleteAsync_400Or404_ThrowsProviderExceptionWithDetailsAfterOneAttempt(int status)
    {
        _server.Fallback = context => ScriptedServer.Respond(context, status, BadRequest, ("x-request-id", "req_bad"));
        await using var harness = ProviderHarness.Create(o => o.Endpoint = _server.V1);

        var error = await Assert.ThrowsAsync<ProviderException>(() => harness.Provider.CompleteAsync(new TestCall("Hi")));

        Assert.Equal(1, _server.RequestCount);
        Assert.IsNotType<ProviderAuthException>(error);
        Assert.Equal((HttpStatusCode)status, error.StatusCode);
        Assert.Equal("invalid_value", error.ErrorCode);
        Assert.Equal("req_bad", error.RequestId);
        Assert.Contains("Invalid value for 'temperature': must be at most 2.", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Gave up", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CompleteAsync_FirstAttemptHangs_TimesOutAndRetries()
    {
        _server.EnqueueHang().EnqueueCompletion("after hang");
        await using var harness = ProviderHarness.Create(o =>
        {
            o.Endpoint = _server.V1;
            o.AttemptTimeout = TimeSpan.FromSeconds(1);
            o.RequestTimeout = TimeSpan.FromSeconds(20);
        });

        var response = await harness.Provider.CompleteAsync(new TestCall("Hi")).WaitAsync(TimeSpan.FromSeconds(15));

        Assert.Equal("after hang", response.Content);
        Assert.Equal(2, _server.RequestCount);
    }

    [Fact]
    public async Task CompleteAsync_EveryAttemptHangs_ThrowsTimeoutProviderExceptionAfterMaxAttempts()
    {
        _server.Fallback = static async context =>
        {
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                // The client gave up on this attempt.
            }
        };
        await using var harness = ProviderHarness.Create(o =>
        {
            o.Endpoint = _server.V1;
            o.MaxAttempts = 2;
            o.AttemptTimeout = TimeSpan.FromSeconds(1);
            o.RequestTimeout = TimeSpan.FromSeconds(20);
        });

        var error = await Assert.ThrowsAsync<ProviderException>(() => harness.Provider.CompleteAsync(new TestCall("Hi")).WaitAsync(TimeSpan.FromSeconds(15)));

        Assert.Equal("timeout", error.ErrorCode);
        Assert.Contains("did not answer", error.Message, StringComparison.Ordinal);
        Assert.Contains("AttemptTimeout", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, _server.RequestCount);
    }

    [Fact]
    public async Task CompleteAsync_EveryAttemptHangs_LogsWhichStrategyActedByName()
    {
        // Polly's log records name the strategy: an operator can tell the attempt timeout, the retry and the request timeout apart.
        _server.Fallback = static async context =>
        {
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                // The client gave up on this attempt.
            }
        };
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await using var harness = ProviderHarness.Create(
            o =>
            {
                o.Endpoint = _server.V1;
                o.MaxAttempts = 3;
                o.AttemptTimeout = TimeSpan.FromMilliseconds(250);
                o.RequestTimeout = TimeSpan.FromMilliseconds(400);
            },
            timeProvider: clock);

        // On the injected clock: the first attempt ends by its timeout at 250 ms, the second (after a backoff of at most
        // 50 ms) by the request timeout at 400 ms, before its own attempt timeout.
        var call = harness.Provider.CompleteAsync(new TestCall("Hi"));
        await WaitUntilAsync(() => _server.RequestCount == 1);
        clock.Advance(TimeSpan.FromMilliseconds(250));
        while (_server.RequestCount < 2 && !call.IsCompleted)
        {
            await Task.Delay(10);
            if (_server.RequestCount < 2)
            {
                clock.Advance(TimeSpan.FromMilliseconds(5));
            }
        }

        clock.Advance(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAsync<ProviderException>(() => call.WaitAsync(TimeSpan.FromSeconds(15)));

        var events = harness.Logs.GetSnapshot()
            .Where(static r => r.Category == "Polly")
            .Select(static r => (Event: State(r, "EventName"), Strategy: State(r, "StrategyName")))
            .Where(static e => e.Event is not null)
            .ToList();
        Assert.Equal([("OnTimeout", "AttemptTimeout"), ("OnRetry", "Retry"), ("OnTimeout", "RequestTimeout")], events);
    }

    [Fact]
    public async Task CompleteAsync_CallerCancels_ThrowsOperationCanceledWithoutRetrying()
    {
        _server.EnqueueHang();
        await using var harness = ProviderHarness.Create(o => o.Endpoint = _server.V1);
        using var cancellation = new CancellationTokenSource();

        var call = harness.Provider.CompleteAsync(new TestCall("Hi"), cancellation.Token);
        await WaitUntilAsync(() => _server.RequestCount == 1);
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(1, _server.RequestCount);
    }

    [Fact]
    public async Task CompleteAsync_ConnectionRefused_ThrowsProviderExceptionSayingItCouldNotConnect()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var closedPort = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        await using var harness = ProviderHarness.Create(o => o.Endpoint = new Uri($"http://127.0.0.1:{closedPort}/v1"));

        var error = await Assert.ThrowsAsync<ProviderException>(() => harness.Provider.CompleteAsync(new TestCall("Hi")).WaitAsync(TimeSpan.FromSeconds(15)));

        Assert.Equal("connection_failed", error.ErrorCode);
        Assert.Null(error.StatusCode);
        Assert.Contains("could not reach", error.Message, StringComparison.Ordinal);
        Assert.Contains("3 attempts", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("this is not json")]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("""{"id":"chatcmpl-x","object":"chat.completion","model":"gpt-4o-mini","choices":[]}""")]
    [InlineData("""{"id":"chatcmpl-x","object":"chat.completion","model":"gpt-4o-mini","choices":[{"index":0,"finish_reason":"stop"}]}""")]
    public async Task CompleteAsync_MalformedBody_ThrowsClearProviderExceptionAfterOneAttempt(string body)
    {
        _server.EnqueueJson(200, body, ("x-request-id", "req_bad_body"));
        await using var harness = ProviderHarness.Create(o => o.Endpoint = _server.V1);

        var error = await Assert.ThrowsAsync<ProviderException>(() => harness.Provider.CompleteAsync(new TestCall("Hi")));

        Assert.Equal("malformed_response", error.ErrorCode);
        Assert.Contains("not a chat completion", error.Message, StringComparison.Ordinal);
        Assert.Contains("OpenAI-compatible chat completions endpoint", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, _server.RequestCount);
    }

    [Fact]
    public async Task CompleteAsync_RetryAfterAsLongAsWhatIsLeftOfTheRequestTimeout_ReportsTheReplyWithoutRetrying()
    {
        // The first attempt takes 0.5 s of a 2.5 s request timeout: a Retry-After of the 2 s left would end as a timeout.
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        _server.Enqueue(context =>
        {
            clock.Advance(TimeSpan.FromMilliseconds(500));
            return ScriptedServer.Respond(context, 429, RateLimited, ("Retry-After", "2"));
        });
        await using var harness = ProviderHarness.Create(
            o =>
            {
                o.Endpoint = _server.V1;
                o.AttemptTimeout = TimeSpan.FromSeconds(2.5);
                o.RequestTimeout = TimeSpan.FromSeconds(2.5);
            },
            timeProvider: clock);

        var error = await Assert.ThrowsAsync<ProviderException>(() => harness.Provider.CompleteAsync(new TestCall("Hi")).WaitAsync(TimeSpan.FromSeconds(15)));

        Assert.Equal(1, _server.RequestCount);
        Assert.Equal(HttpStatusCode.TooManyRequests, error.StatusCode);
        Assert.Equal("rate_limit_exceeded", error.ErrorCode);
        Assert.EndsWith(
            " Made 1 attempt; not retried: Retry-After asks for 00:00:02, more than the 00:00:02 left of the request timeout (00:00:02.5).",
            error.Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task CompleteAsync_RetryAfterDatePastTheRequestTimeout_IsMeasuredOnTheInjectedClock()
    {
        // Retry-After as an HTTP date: 10 s after the injected clock's now, longer than the whole 5 s request timeout.
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        _server.EnqueueJson(429, RateLimited, ("Retry-After", "Thu, 01 Jan 2026 00:00:10 GMT"));
        await using var harness = ProviderHarness.Create(
            o =>
            {
                o.Endpoint = _server.V1;
                o.AttemptTimeout = TimeSpan.FromSeconds(5);
                o.RequestTimeout = TimeSpan.FromSeconds(5);
            },
            timeProvider: clock);

        var error = await Assert.ThrowsAsync<ProviderException>(() => harness.Provider.CompleteAsync(new TestCall("Hi")).WaitAsync(TimeSpan.FromSeconds(15)));

        Assert.Equal(1, _server.RequestCount);
        Assert.EndsWith(
            " Made 1 attempt; not retried: Retry-After asks for 00:00:10, more than the 00:00:05 left of the request timeout (00:00:05).",
            error.Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task CompleteAsync_LongRetryAfterOnTheLastAttempt_GivesUpAfterAllAttempts()
    {
        // The last attempt would not be retried anyway: the error says so, not that Retry-After stopped the retries.
        _server.EnqueueJson(500, ServerError).EnqueueJson(429, RateLimited, ("Retry-After", "3600"));
        await using var harness = ProviderHarness.Create(o =>
        {
            o.Endpoint = _server.V1;
            o.MaxAttempts = 2;
        });

        var error = await Assert.ThrowsAsync<ProviderException>(() => harness.Provider.CompleteAsync(new TestCall("Hi")).WaitAsync(TimeSpan.FromSeconds(15)));

        Assert.Equal(2, _server.RequestCount);
        Assert.Equal(HttpStatusCode.TooManyRequests, error.StatusCode);
        Assert.EndsWith(" Gave up after 2 attempts.", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not retried", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("req_1", "apim_1", "ms_1", "req_1")]
    [InlineData(null, "apim_1", "ms_1", "apim_1")]
    [InlineData(null, null, "ms_1", "ms_1")]
    public async Task CompleteAsync_MalformedReply_ReportsTheRequestIdOfTheHeaderThatComesFirst(string? xRequestId, string? apimRequestId, string? msRequestId, string expected)
    {
        // x-request-id (OpenAI), then apim-request-id (Azure API Management), then x-ms-request-id (Azure).
        var headers = new List<(string Name, string Value)>();
        foreach (var (name, value) in new[] { ("x-request-id", xRequestId), ("apim-request-id", apimRequestId), ("x-ms-request-id", msRequestId) })
        {
            if (value is not null)
            {
                headers.Add((name, value));
            }
        }

        _server.EnqueueJson(200, "this is not json", [.. headers]);
        await using var harness = ProviderHarness.Create(o => o.Endpoint = _server.V1);

        var error = await Assert.ThrowsAsync<ProviderException>(() => harness.Provider.CompleteAsync(new TestCall("Hi")));

        Assert.Equal("malformed_response", error.ErrorCode);
        Assert.Equal(expected, error.RequestId);
        Assert.Contains($"(request id {expected})", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ShouldRetryAsync_ResponseWithoutItsRequest_FindsTheCallThroughTheContext()
    {
        var call = new ProviderCall();
        using var request = Request(call);
        using var response = QuotaExceeded(requestMessage: null);
        var context = ResilienceContextPool.Shared.Get();
        context.SetRequestMessage(request);

        var retry = await OpenAIHttpClientBuilderExtensions.ShouldRetryAsync(
            new RetryPredicateArguments<HttpResponseMessage>(context, Outcome.FromResult(response), attemptNumber: 0), new OpenAIProviderOptions(), TimeProvider.System);

        Assert.False(retry);
        Assert.Equal("insufficient_quota is not retried: the account's quota is used up, and waiting does not refill it", call.RetryStopReason);
        ResilienceContextPool.Shared.Return(context);
    }

    [Fact]
    public async Task ShouldRetryAsync_RequestNotInTheContext_FindsTheCallThroughTheResponse()
    {
        var call = new ProviderCall();
        using var request = Request(call);
        using var response = QuotaExceeded(request);
        var context = ResilienceContextPool.Shared.Get();

        var retry = await OpenAIHttpClientBuilderExtensions.ShouldRetryAsync(
            new RetryPredicateArguments<HttpResponseMessage>(context, Outcome.FromResult(response), attemptNumber: 0), new OpenAIProviderOptions(), TimeProvider.System);

        Assert.False(retry);
        Assert.StartsWith("insufficient_quota is not retried", call.RetryStopReason, StringComparison.Ordinal);
        ResilienceContextPool.Shared.Return(context);
    }

    [Fact]
    public async Task ShouldRetryAsync_RequestTimeoutAlreadyPassed_SaysNothingIsLeft()
    {
        var clock = new FakeTimeProvider();
        var call = new ProviderCall();
        call.Started(clock.GetTimestamp());
        clock.Advance(TimeSpan.FromSeconds(6));
        using var request = Request(call);
        using var response = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { RequestMessage = request };
        response.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(1));
        var context = ResilienceContextPool.Shared.Get();
        var options = new OpenAIProviderOptions { AttemptTimeout = TimeSpan.FromSeconds(5), RequestTimeout = TimeSpan.FromSeconds(5) };

        var retry = await OpenAIHttpClientBuilderExtensions.ShouldRetryAsync(
            new RetryPredicateArguments<HttpResponseMessage>(context, Outcome.FromResult(response), attemptNumber: 0), options, clock);

        Assert.False(retry);
        Assert.Equal("not retried: Retry-After asks for 00:00:01, more than the 00:00:00 left of the request timeout (00:00:05)", call.RetryStopReason);
        ResilienceContextPool.Shared.Return(context);
    }

    private static string? State(Microsoft.Extensions.Logging.Testing.FakeLogRecord record, string key) =>
        record.StructuredState?.FirstOrDefault(p => p.Key == key).Value;

    private static HttpRequestMessage Request(ProviderCall call)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "http://127.0.0.1/v1/chat/completions");
        request.Options.Set(ProviderCall.OptionsKey, call);
        return request;
    }

    private static HttpResponseMessage QuotaExceeded(HttpRequestMessage? requestMessage) => new(HttpStatusCode.TooManyRequests)
    {
        RequestMessage = requestMessage,
        Content = new StringContent("""{"error":{"message":"You exceeded your current quota.","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}"""),
    };

    [Fact]
    public void IsTransient_StatusCodes_RetriesOnly408429And5xx()
    {
        int[] retried = [408, 429, 500, 502, 503, 504];
        int[] notRetried = [200, 400, 401, 403, 404, 409, 422];

        Assert.All(retried, static s => Assert.True(OpenAIHttpClientBuilderExtensions.IsTransient((HttpStatusCode)s), $"{s} should be retried"));
        Assert.All(notRetried, static s => Assert.False(OpenAIHttpClientBuilderExtensions.IsTransient((HttpStatusCode)s), $"{s} must not be retried"));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(10))
            {
                throw new TimeoutException("The server did not see the expected requests in 10 s.");
            }

            await Task.Delay(10);
        }
    }
}
