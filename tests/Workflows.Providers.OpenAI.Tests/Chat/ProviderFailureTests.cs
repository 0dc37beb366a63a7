using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;
using Polly.Timeout;

namespace Workflows.Providers.OpenAI.Tests;

/// <summary>
/// The text and properties of the <see cref="ProviderException"/>s <see cref="ProviderFailure"/> makes: through the
/// provider's <see cref="IChatClient"/> against a scripted Kestrel server on 127.0.0.1 where HTTP can produce the case, and
/// through <see cref="ProviderFailure.Translate"/> with a real SDK error reply where it cannot (an exact mix of headers, a
/// timeout that the clock would have to race for).
/// </summary>
public sealed class ProviderFailureTests : IAsyncLifetime
{
    private const string Who = "Provider 'openai' (openai)";

    private ScriptedServer _server = null!;

    public async Task InitializeAsync() => _server = await ScriptedServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private string Endpoint => _server.V1.ToString();

    private string Origin => _server.BaseAddress.GetLeftPart(UriPartial.Authority);

    [Fact]
    public async Task GetResponseAsync_ErrorWithATypeButNoCode_ReportsTheTypeAsTheErrorCodeAndTheRequestId()
    {
        _server.Fallback = static context => ScriptedServer.Respond(
            context, 400, """{"error":{"message":"Unrecognized request argument supplied: foo","type":"invalid_request_error","param":null,"code":null}}""",
            ("x-request-id", "req_400"));
        await using var harness = Create(static _ => { });

        var error = await Assert.ThrowsAsync<ProviderException>(() => harness.ChatClient.GetResponseAsync("Hi"));

        Assert.Equal(
            $"{Who} failed the request for model 'gpt-4o-mini' with HTTP 400: Unrecognized request argument supplied: foo. " +
            "Error code: invalid_request_error. Request id: req_400.",
            error.Message);
        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Equal("invalid_request_error", error.ErrorCode);
        Assert.Equal("req_400", error.RequestId);
        Assert.Equal(1, error.Attempts);
    }

    [Fact]
    public async Task GetResponseAsync_ErrorWithAnEmptyBodyAndNoRequestId_SaysOnlyTheStatus()
    {
        _server.Fallback = static context => ScriptedServer.Respond(context, 404, string.Empty);
        await using var harness = Create(static _ => { });

        var error = await Assert.ThrowsAsync<ProviderException>(() => harness.ChatClient.GetResponseAsync("Hi"));

        Assert.Equal($"{Who} failed the request for model 'gpt-4o-mini' with HTTP 404.", error.Message);
        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.Null(error.ErrorCode);
        Assert.Null(error.RequestId);
        Assert.Equal(1, error.Attempts);
    }

    [Theory]
    [InlineData(500, false)]
    [InlineData(501, true)]
    public async Task GetResponseAsync_ErrorPageThatIsNotJson_QuotesAtMost500Characters(int length, bool truncated)
    {
        var page = "<html>" + new string('x', length - "<html></html>".Length) + "</html>";
        _server.Fallback = context => ScriptedServer.Respond(context, 400, page);
        await using var harness = Create(static _ => { });

        var error = await Assert.ThrowsAsync<ProviderException>(() => harness.ChatClient.GetResponseAsync("Hi"));

        var quoted = truncated ? page[..500] + "..." : page;
        Assert.Equal($"{Who} failed the request for model 'gpt-4o-mini' with HTTP 400: {quoted}.", error.Message);
    }

    [Fact]
    public async Task GetResponseAsync_CredentialsRejected_SaysWhereTheKeyComesFrom()
    {
        _server.Fallback = static context => ScriptedServer.Respond(
            context, 401, """{"error":{"message":"Incorrect API key provided.","type":"invalid_request_error","code":"invalid_api_key"}}""",
            ("x-request-id", "req_401"));
        await using var harness = Create(static _ => { });

        var error = await Assert.ThrowsAsync<ProviderAuthException>(() => harness.ChatClient.GetResponseAsync("Hi"));

        Assert.Equal(
            $"{Who} rejected the credentials for model 'gpt-4o-mini' with HTTP 401: Incorrect API key provided.. " +
            "Error code: invalid_api_key. Request id: req_401. Check the API key (OPENAI_API_KEY or " +
            "GenAiWorkflows__Providers__openai__ApiKey (or GENAI_WORKFLOW_PROVIDERS__OPENAI__API_KEY)), " +
            "the endpoint and the account's access to the model.",
            error.Message);
        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.Equal(1, error.Attempts);
    }

    [Fact]
    public async Task GetResponseAsync_RedirectToTheSameOrigin_SaysItIsTheSameOriginAndGivesTheRequestId()
    {
        _server.Fallback = static context => ScriptedServer.Respond(context, 308, string.Empty, ("Location", "/v2/chat/completions"), ("x-request-id", "req_same"));
        await using var harness = Create(static _ => { });

        var error = await Assert.ThrowsAsync<ProviderException>(() => harness.ChatClient.GetResponseAsync("Hi"));

        Assert.Equal(1, _server.RequestCount);
        Assert.StartsWith($"{Who} answered the request for model 'gpt-4o-mini' with a redirect (HTTP 308) to {Origin} (the same origin). ", error.Message, StringComparison.Ordinal);
        Assert.EndsWith(" Request id: req_same.", error.Message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.PermanentRedirect, error.StatusCode);
        Assert.Equal("redirect", error.ErrorCode);
        Assert.Equal("req_same", error.RequestId);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("http://[not-a-host")]
    public async Task GetResponseAsync_300WithoutAUsableLocationOrRequestId_IsARedirectToNoLocation(string? location)
    {
        _server.Fallback = context => location is null
            ? ScriptedServer.Respond(context, 300, string.Empty)
            : ScriptedServer.Respond(context, 300, string.Empty, ("Location", location));
        await using var harness = Create(static _ => { });

        var error = await Assert.ThrowsAsync<ProviderException>(() => harness.ChatClient.GetResponseAsync("Hi"));

        Assert.Equal(
            $"{Who} answered the request for model 'gpt-4o-mini' with a redirect (HTTP 300) to no Location. Redirects are not followed, " +
            "so that the API key never goes to another origin: set GenAiWorkflows:Providers:openai:Endpoint to the final URL " +
            "(GenAiWorkflows__Providers__openai__Endpoint (or GENAI_WORKFLOW_PROVIDERS__OPENAI__ENDPOINT)).",
            error.Message);
        Assert.Equal(HttpStatusCode.Ambiguous, error.StatusCode);
        Assert.Equal("redirect", error.ErrorCode);
        Assert.Null(error.RequestId);
        Assert.Equal(1, error.Attempts);
    }

    [Fact]
    public async Task GetResponseAsync_ConnectionResetMidBodyEveryTime_NamesTheEndpointAndGivesNoRequestId()
    {
        _server.Fallback = static async context =>
        {
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = 4096;
            context.Response.Headers["x-request-id"] = "req_cut";
            await context.Response.WriteAsync("""{"id":"chatcmpl-cut",""");
            await context.Response.Body.FlushAsync();
            await Task.Delay(50);
            context.Abort();
        };
        await using var harness = Create(static o => o.MaxAttempts = 2);

        var error = await Assert.ThrowsAsync<ProviderException>(() => harness.ChatClient.GetResponseAsync("Hi").WaitAsync(TimeSpan.FromSeconds(15)));

        // Two replies were cut off: no single request id is the one that failed.
        Assert.StartsWith($"{Who} could not reach {Endpoint} for model 'gpt-4o-mini' after 2 attempts: ", error.Message, StringComparison.Ordinal);
        Assert.Equal("connection_failed", error.ErrorCode);
        Assert.Null(error.RequestId);
        Assert.Null(error.StatusCode);
        Assert.Equal(2, error.Attempts);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_ConnectionLostMidStream_SaysTheReplyWasArrivingAndGivesItsRequestId()
    {
        _server.Enqueue(static async context =>
        {
            context.Response.StatusCode = 200;
            context.Response.ContentType = "text/event-stream";
            context.Response.Headers["x-request-id"] = "req_stream";
            await context.Response.WriteAsync($"data: {ScriptedServer.Chunk("Hel", role: true)}\n\n");
            await context.Response.Body.FlushAsync();
            await Task.Delay(100);
            context.Abort();
        });
        await using var harness = Create(static _ => { });

        var error = await Assert.ThrowsAsync<ProviderException>(async () =>
        {
            await foreach (var _ in harness.ChatClient.GetStreamingResponseAsync("Hi"))
            {
            }
        });

        Assert.StartsWith($"{Who} lost the connection to {Endpoint} while the reply for model 'gpt-4o-mini' was arriving: ", error.Message, StringComparison.Ordinal);
        Assert.Equal("connection_failed", error.ErrorCode);
        Assert.Equal("req_stream", error.RequestId);
        Assert.Equal(1, error.Attempts);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_ServerErrorThenNoConnection_CouldNotReachTheServerRatherThanLostTheReply()
    {
        _server.EnqueueJson(500, """{"error":{"message":"boom","code":"server_error"}}""", ("x-request-id", "req_500"))
            .Enqueue(static context =>
            {
                context.Abort();
                return Task.CompletedTask;
            });
        await using var harness = Create(static o => o.MaxAttempts = 2);

        var error = await Assert.ThrowsAsync<ProviderException>(async () =>
        {
            await foreach (var _ in harness.ChatClient.GetStreamingResponseAsync("Hi"))
            {
            }
        });

        Assert.Equal(2, _server.RequestCount);
        Assert.StartsWith($"{Who} could not reach {Endpoint} for model 'gpt-4o-mini' after 2 attempts: ", error.Message, StringComparison.Ordinal);
        Assert.Equal("connection_failed", error.ErrorCode);
        Assert.Null(error.RequestId);
        Assert.Equal(2, error.Attempts);
    }

    [Fact]
    public async Task GetResponseAsync_TheOnlyAttemptStalls_SaysTheAttemptTimeoutEndedTheOnlyAttempt()
    {
        _server.EnqueueHang();
        await using var harness = Create(static o =>
        {
            o.MaxAttempts = 1;
            o.AttemptTimeout = TimeSpan.FromMilliseconds(300);
            o.RequestTimeout = TimeSpan.FromSeconds(20);
        });

        var error = await Assert.ThrowsAsync<ProviderException>(() => harness.ChatClient.GetResponseAsync("Hi").WaitAsync(TimeSpan.FromSeconds(15)));

        Assert.Equal(
            $"{Who} did not answer the request for model 'gpt-4o-mini' in time: the attempt timeout (AttemptTimeout 00:00:00.3000000) ended " +
            "the only attempt. Raise GenAiWorkflows:Providers:openai:AttemptTimeout or GenAiWorkflows:Providers:openai:RequestTimeout " +
            "if the model needs longer.",
            error.Message);
        Assert.Equal("timeout", error.ErrorCode);
        Assert.Equal(1, error.Attempts);
    }

    [Fact]
    public async Task GetResponseAsync_ServerErrorThenAStall_SaysHowManyOfTheAttemptsTheAttemptTimeoutEnded()
    {
        _server.EnqueueJson(500, """{"error":{"message":"boom","code":"server_error"}}""").EnqueueHang();

        // An attempt timeout long enough that the quick 500 is not ended by it on a busy machine.
        await using var harness = Create(static o =>
        {
            o.MaxAttempts = 2;
            o.AttemptTimeout = TimeSpan.FromSeconds(2);
            o.RequestTimeout = TimeSpan.FromSeconds(20);
        });

        var error = await Assert.ThrowsAsync<ProviderException>(() => harness.ChatClient.GetResponseAsync("Hi").WaitAsync(TimeSpan.FromSeconds(15)));

        Assert.Contains("in time: the attempt timeout (AttemptTimeout 00:00:02) ended 1 of 2 attempts. Raise ", error.Message, StringComparison.Ordinal);
        Assert.Equal("timeout", error.ErrorCode);
        Assert.Equal(2, error.Attempts);
        Assert.Equal(2, _server.RequestCount);
    }

    [Fact]
    public async Task GetResponseAsync_MalformedReplyWithoutRequestId_EndsWithoutOne()
    {
        _server.EnqueueJson(200, """{"object":"list","data":[]}""");
        await using var harness = Create(static _ => { });

        var error = await Assert.ThrowsAsync<ProviderException>(() => harness.ChatClient.GetResponseAsync("Hi"));

        Assert.Equal(
            $"{Who} answered the request for model 'gpt-4o-mini' with HTTP 200, but the reply is not a chat completion: it has no 'choices' array. " +
            $"Check that {Endpoint} is an OpenAI-compatible chat completions endpoint.",
            error.Message);
        Assert.Equal("malformed_response", error.ErrorCode);
        Assert.Null(error.RequestId);
    }

    [Fact]
    public async Task GetResponseAsync_ReplyTheSdkCannotRead_IsAMalformedReplyWithItsStatusAndRequestId()
    {
        var body = ScriptedServer.Completion("Hello").Replace("\"created\":1770950813", "\"created\":\"yesterday\"", StringComparison.Ordinal);
        _server.EnqueueJson(200, body, ("x-request-id", "req_unreadable"));
        await using var harness = Create(static _ => { });

        var error = await Assert.ThrowsAsync<ProviderException>(() => harness.ChatClient.GetResponseAsync("Hi"));

        Assert.StartsWith(
            $"{Who} answered the request for model 'gpt-4o-mini' with HTTP 200, but the reply is not a chat completion: the SDK could not read it (",
            error.Message, StringComparison.Ordinal);
        Assert.EndsWith($"). Check that {Endpoint} is an OpenAI-compatible chat completions endpoint (request id req_unreadable).", error.Message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, error.StatusCode);
        Assert.Equal("malformed_response", error.ErrorCode);
        Assert.Equal("req_unreadable", error.RequestId);
        Assert.Equal(1, error.Attempts);
        Assert.NotNull(error.InnerException);
    }

    [Theory]
    [InlineData("req_x", null, null, "req_x")]
    [InlineData(null, "apim_1", null, "apim_1")]
    [InlineData(null, null, "ms_1", "ms_1")]
    [InlineData("req_x", "apim_1", "ms_1", "req_x")]
    [InlineData(null, "apim_1", "ms_1", "apim_1")]
    [InlineData("", "apim_1", null, "apim_1")]
    [InlineData(null, null, null, null)]
    public async Task Translate_ErrorReplyRequestIdHeaders_PrefersXRequestIdThenApimThenXMs(string? xRequestId, string? apim, string? xMs, string? expected)
    {
        var headers = new List<(string, string)>();
        if (xRequestId is not null)
        {
            headers.Add(("x-request-id", xRequestId));
        }

        if (apim is not null)
        {
            headers.Add(("apim-request-id", apim));
        }

        if (xMs is not null)
        {
            headers.Add(("x-ms-request-id", xMs));
        }

        var reply = await ErrorReplyAsync(500, """{"error":{"message":"boom","code":"server_error"}}""", [.. headers]);
        await using var harness = Create(static _ => { });

        var error = ProviderFailure.Translate(reply, Attempted(1), Runtime(harness), "gpt-4o-mini");

        Assert.Equal(expected, error.RequestId);
        Assert.EndsWith(
            expected is null ? "HTTP 500: boom. Error code: server_error. Gave up after 1 attempt." : $"HTTP 500: boom. Error code: server_error. Request id: {expected}. Gave up after 1 attempt.",
            error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Translate_ReplyAndTrackedCallWithDifferentRequestIds_ReportsTheReplysOwn()
    {
        var reply = await ErrorReplyAsync(503, """{"error":{"message":"busy"}}""", ("x-request-id", "req_reply"));
        var call = Attempted(2);
        using var earlier = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { Headers = { { "x-request-id", "req_earlier" } } };
        call.Observe(earlier);
        await using var harness = Create(static _ => { });

        var error = ProviderFailure.Translate(reply, call, Runtime(harness), "gpt-4o-mini");

        Assert.Equal("req_reply", error.RequestId);
        Assert.Equal($"{Who} failed the request for model 'gpt-4o-mini' with HTTP 503: busy. Request id: req_reply. Gave up after 2 attempts.", error.Message);
    }

    [Fact]
    public async Task Translate_ReplyWithoutRequestIdButTrackedCallHasOne_ReportsTheCallsId()
    {
        var reply = await ErrorReplyAsync(503, """{"error":{"message":"busy"}}""");
        var call = Attempted(1);
        using var observed = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { Headers = { { "apim-request-id", "apim_tracked" } } };
        call.Observe(observed);
        await using var harness = Create(static _ => { });

        var error = ProviderFailure.Translate(reply, call, Runtime(harness), "gpt-4o-mini");

        Assert.Equal("apim_tracked", error.RequestId);
    }

    [Fact]
    public async Task Translate_ConnectionFailureWithNestedCauses_QuotesEachCauseOnceWithTheKeyMasked()
    {
        var failure = new HttpRequestException(
            "Error while copying content to a stream.",
            new IOException(
                $"Unable to read data from the transport connection: reset by a proxy that saw {ProviderHarness.TestApiKey}.",
                new IOException("reset by a proxy")));
        await using var harness = Create(static _ => { });

        var error = ProviderFailure.Translate(failure, Attempted(1), Runtime(harness), "gpt-4o-mini");

        Assert.Equal(
            $"{Who} could not reach {Endpoint} for model 'gpt-4o-mini' after 1 attempt: Error while copying content to a stream. " +
            "Unable to read data from the transport connection: reset by a proxy that saw ***.",
            error.Message);
        Assert.Equal("connection_failed", error.ErrorCode);
        Assert.DoesNotContain(ProviderHarness.TestApiKey, error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(299, true)]
    [InlineData(300, false)]
    public async Task Translate_StreamingConnectionFailureAfterAStatus_IsALostReplyOnlyAfterASuccess(int lastStatus, bool lost)
    {
        var call = new ProviderCall { Streaming = true };
        call.AttemptStarted();
        using var observed = new HttpResponseMessage((HttpStatusCode)lastStatus) { Headers = { { "x-request-id", "req_s" } } };
        call.Observe(observed);
        await using var harness = Create(static _ => { });

        var error = ProviderFailure.Translate(new HttpRequestException("The response ended prematurely."), call, Runtime(harness), "gpt-4o-mini");

        Assert.StartsWith(
            lost ? $"{Who} lost the connection to {Endpoint} while the reply for model 'gpt-4o-mini' was arriving: "
                 : $"{Who} could not reach {Endpoint} for model 'gpt-4o-mini' after 1 attempt: ",
            error.Message, StringComparison.Ordinal);
        Assert.Equal(lost ? "req_s" : null, error.RequestId);
    }

    [Fact]
    public async Task Translate_RequestTimeoutWithoutAnyAttemptTimeout_NamesOnlyTheRequestTimeout()
    {
        var call = Attempted(1);
        call.RequestTimedOut(TimeSpan.FromSeconds(20));
        await using var harness = Create(static o =>
        {
            o.AttemptTimeout = TimeSpan.FromSeconds(10);
            o.RequestTimeout = TimeSpan.FromSeconds(20);
        });

        var error = ProviderFailure.Translate(new TimeoutRejectedException(), call, Runtime(harness), "gpt-4o-mini");

        Assert.Equal(
            $"{Who} did not answer the request for model 'gpt-4o-mini' in time: the request timeout (RequestTimeout 00:00:20) ended the call " +
            "after 1 attempt. Raise GenAiWorkflows:Providers:openai:AttemptTimeout or GenAiWorkflows:Providers:openai:RequestTimeout " +
            "if the model needs longer.",
            error.Message);
        Assert.Equal("timeout", error.ErrorCode);
        Assert.Equal(1, error.Attempts);
    }

    [Fact]
    public async Task Translate_TimeoutThatNeitherPolicyFired_IsTheSdksNetworkTimeout()
    {
        var call = Attempted(1);
        await using var harness = Create(static o =>
        {
            o.AttemptTimeout = TimeSpan.FromSeconds(10);
            o.RequestTimeout = TimeSpan.FromSeconds(20);
        });

        var error = ProviderFailure.Translate(new TaskCanceledException("The operation was canceled."), call, Runtime(harness), "gpt-4o-mini");

        Assert.Contains(
            "in time: the SDK's network timeout (00:00:50, RequestTimeout plus 30 s) ended the call after 1 attempt. Raise ",
            error.Message, StringComparison.Ordinal);
        Assert.Equal("timeout", error.ErrorCode);
    }

    [Fact]
    public async Task Translate_AttemptTimeoutThatFiredDiffersFromTheSettings_NamesTheOneThatFired()
    {
        var call = Attempted(1);
        call.AttemptTimedOut(TimeSpan.FromSeconds(5));
        await using var harness = Create(static o => o.AttemptTimeout = TimeSpan.FromSeconds(2));

        var error = ProviderFailure.Translate(new TimeoutRejectedException(), call, Runtime(harness), "gpt-4o-mini");

        Assert.Contains("the attempt timeout (AttemptTimeout 00:00:05) ended the only attempt.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Translate_UnreadableReplyWhoseStatusWasNeverSeen_HasNoStatusCode()
    {
        await using var harness = Create(static _ => { });

        var error = ProviderFailure.Translate(new InvalidOperationException("unexpected end"), Attempted(1), Runtime(harness), "gpt-4o-mini");

        Assert.Null(error.StatusCode);
        Assert.Equal("malformed_response", error.ErrorCode);
        Assert.Equal(1, error.Attempts);
        Assert.Contains("the SDK could not read it (unexpected end)", error.Message, StringComparison.Ordinal);
    }

    private static ProviderCall Attempted(int attempts)
    {
        var call = new ProviderCall();
        for (var i = 0; i < attempts; i++)
        {
            call.AttemptStarted();
        }

        return call;
    }

    private static OpenAIProviderRuntime Runtime(ProviderHarness harness) => harness.ChatClient.GetService<OpenAIModelChatClient>()!.Runtime;

    /// <summary>The SDK's exception for an error reply of the scripted server, read through System.ClientModel's own transport.</summary>
    private async Task<ClientResultException> ErrorReplyAsync(int status, string body, params (string Name, string Value)[] headers)
    {
        _server.EnqueueJson(status, body, headers);
        using var transport = new HttpClientPipelineTransport();
        using var message = transport.CreateMessage();
        message.Request.Method = "POST";
        message.Request.Uri = new Uri(_server.V1, "v1/chat/completions");
        await transport.ProcessAsync(message);
        return new ClientResultException(message.ExtractResponse()!);
    }

    private ProviderHarness Create(Action<OpenAIProviderOptions> configure) =>
        ProviderHarness.Create(o =>
        {
            o.Endpoint = _server.V1;
            o.DefaultModel = "gpt-4o-mini";
            configure(o);
        });
}
