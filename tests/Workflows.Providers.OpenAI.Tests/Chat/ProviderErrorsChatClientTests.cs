using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Workflows.Providers.OpenAI.Tests;

/// <summary>
/// The provider's fault contract, through its <see cref="IChatClient"/> against a scripted Kestrel server on 127.0.0.1:
/// redirects, credentials in logs and exceptions, truthful retries and timeouts, malformed replies.
/// </summary>
public sealed class ProviderErrorsChatClientTests : IAsyncLifetime
{
    private const string RateLimited = """{"error":{"message":"Rate limit reached for gpt-4o-mini.","type":"requests","param":null,"code":"rate_limit_exceeded"}}""";
    private const string QuotaExceeded = """{"error":{"message":"You exceeded your current quota, please check your plan and billing details.","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}""";

    private ScriptedServer _server = null!;

    public async Task InitializeAsync() => _server = await ScriptedServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData("OpenAI", 307)]
    [InlineData("Azure", 307)]
    [InlineData("Azure", 302)]
    public async Task GetResponseAsync_RedirectToAnotherOrigin_IsNotFollowedAndNamesTheOrigin(string apiType, int status)
    {
        await using var other = await ScriptedServer.StartAsync();
        other.Fallback = static context => ScriptedServer.Respond(context, 200, ScriptedServer.Completion("must not be reached"));
        _server.Fallback = context => ScriptedServer.Respond(context, status, string.Empty, ("Location", new Uri(other.BaseAddress, "v1/chat/completions").ToString()), ("x-request-id", "req_redirect"));
        await using var harness = Create(o =>
        {
            o.ApiType = apiType;
            o.Endpoint = apiType == "Azure" ? _server.BaseAddress : _server.V1;
        });

        var error = await Assert.ThrowsAsync<ProviderException>(() => harness.ChatClient.GetResponseAsync("Hi"));

        Assert.Equal(0, other.RequestCount);
        Assert.Equal(1, _server.RequestCount);
        Assert.Equal((HttpStatusCode)status, error.StatusCode);
        Assert.Equal("redirect", error.ErrorCode);
        Assert.Equal("req_redirect", error.RequestId);
        Assert.Equal(1, error.Attempts);
        Assert.Contains($"HTTP {status}", error.Message, StringComparison.Ordinal);
        Assert.Contains(other.BaseAddress.GetLeftPart(UriPartial.Authority) + " (another origin)", error.Message, StringComparison.Ordinal);
        Assert.Contains("set GenAiWorkflows:Providers:openai:Endpoint to the final URL", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("OpenAI")]
    [InlineData("Azure")]
    public async Task GetResponseAsync_LoggingAtTrace_NoCredentialInAnyLogRecord(string apiType)
    {
        _server.EnqueueCompletion("fine").EnqueueJson(500, """{"error":{"message":"boom","code":"server_error"}}""").EnqueueJson(401, """{"error":{"message":"no","code":"invalid_api_key"}}""");
        await using var harness = Create(o =>
        {
            o.ApiType = apiType;
            o.Endpoint = apiType == "Azure" ? _server.BaseAddress : _server.V1;
            o.MaxAttempts = 2;
        });

        await harness.ChatClient.GetResponseAsync("Hi");
        await Assert.ThrowsAsync<ProviderAuthException>(() => harness.ChatClient.GetResponseAsync("Hi"));

        // The key did go out on every attempt (as Authorization or api-key) ...
        Assert.Equal(3, _server.RequestCount);
        Assert.All(_server.Requests, static r => Assert.Contains(ProviderHarness.TestApiKey, string.Join(" ", r.Headers.Values), StringComparison.Ordinal));

        // ... but no log record at any level holds it: not in a message, a state value, a scope or an exception.
        var records = harness.Logs.GetSnapshot();
        Assert.Contains(records, static r => r.Id.Id == 3001);
        Assert.Contains(records, static r => r.Id.Id == 3002);
        Assert.DoesNotContain(ProviderHarness.TestApiKey, harness.AllLogData(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_ServerEchoesTheKeyInBodyAndRequestId_KeyIsInNoExceptionTextOrLog()
    {
        var echo = $$$"""{"error":{"message":"Key {{{ProviderHarness.TestApiKey}}} is over its limit.","code":"server_error_{{{ProviderHarness.TestApiKey}}}"}}""";
        _server.Fallback = context => ScriptedServer.Respond(context, 500, echo, ("x-request-id", "req-" + ProviderHarness.TestApiKey));
        await using var harness = Create(o => o.MaxAttempts = 2);

        var error = await Assert.ThrowsAsync<ProviderException>(() => harness.ChatClient.GetResponseAsync("Hi"));

        Assert.Equal(2, _server.RequestCount);
        Assert.Equal(2, error.Attempts);
        Assert.Contains("Key *** is over its limit.", error.Message, StringComparison.Ordinal);
        Assert.Equal("req-***", error.RequestId);
        Assert.Equal("server_error_***", error.ErrorCode);
        Assert.DoesNotContain(ProviderHarness.TestApiKey, error.ToString(), StringComparison.Ordinal);
        for (var inner = error.InnerException; inner is not null; inner = inner.InnerException)
        {
            Assert.DoesNotContain(ProviderHarness.TestApiKey, inner.ToString(), StringComparison.Ordinal);
        }

        Assert.DoesNotContain(ProviderHarness.TestApiKey, harness.AllLogData(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SpansOfAFailedCall_ServerEchoesTheKey_KeyIsInNoStatusTagOrEvent()
    {
        var echo = $$$"""{"error":{"message":"Incorrect API key provided: {{{ProviderHarness.TestApiKey}}}.","code":"invalid_api_key"}}""";
        _server.Fallback = context => ScriptedServer.Respond(context, 401, echo, ("x-request-id", "req-" + ProviderHarness.TestApiKey));
        var activities = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = static _ => true,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => { lock (activities) { activities.Add(activity); } },
        };
        ActivitySource.AddActivityListener(listener);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["GenAiWorkflows:DefaultProvider"] = "openai",
            ["GenAiWorkflows:DefaultModel"] = "gpt-4o-mini",
        }).Build();
        await using var harness = ProviderHarness.Create(
            o =>
            {
                o.Endpoint = _server.V1;
                o.DefaultModel = "gpt-4o-mini";
            },
            configuration: configuration);

        // The engine's spans (invoke_workflow, step, chat) ...
        var engine = harness.Services.GetRequiredService<IWorkflowEngine>();
        var result = await engine.ExecuteAsync(new WorkflowBuilder("leaky").AddLlmStep("ask", "Hi").Build(), new Dictionary<string, object?>());

        // ... and MEAI's own chat span over the provider's IChatClient.
        using var traced = harness.ChatClient.AsBuilder().UseOpenTelemetry(sourceName: "Workflows.Tests.Meai", configure: static c => c.EnableSensitiveData = true).Build();
        var error = await Assert.ThrowsAsync<ProviderAuthException>(() => traced.GetResponseAsync("Hi"));

        Assert.False(result.IsSuccess);
        Assert.Contains("***", result.Error!.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(ProviderHarness.TestApiKey, result.Error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(ProviderHarness.TestApiKey, error.ToString(), StringComparison.Ordinal);
        List<Activity> stopped;
        lock (activities)
        {
            stopped = [.. activities];
        }

        Assert.Contains(stopped, static a => a.Source.Name == "GenAiWorkflows" && a.Status == ActivityStatusCode.Error);
        Assert.Contains(stopped, static a => a.Source.Name == "Workflows.Tests.Meai" && a.Status == ActivityStatusCode.Error);
        foreach (var activity in stopped)
        {
            var text = string.Join(" ",
                [activity.DisplayName, activity.StatusDescription ?? string.Empty,
                 .. activity.TagObjects.Select(static t => $"{t.Key}={t.Value}"),
                 .. activity.Events.SelectMany(static e => e.Tags.Select(t => $"{e.Name}:{t.Key}={t.Value}"))]);
            Assert.DoesNotContain(ProviderHarness.TestApiKey, text, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(ProviderHarness.TestApiKey, harness.AllLogData(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_PasswordInTheEndpoint_IsInNoMessageLogOrMetadata()
    {
        const string Password = "pw-9c1f7e3d55";
        _server.Fallback = static context => ScriptedServer.Respond(context, 502, $"<html>Bad gateway for user:{Password}</html>");
        var endpoint = new Uri($"http://wfuser:{Password}@127.0.0.1:{_server.BaseAddress.Port}/v1");
        await using var harness = Create(o =>
        {
            o.Endpoint = endpoint;
            o.MaxAttempts = 1;
        });

        var error = await Assert.ThrowsAsync<ProviderException>(() => harness.ChatClient.GetResponseAsync("Hi"));

        Assert.Equal(HttpStatusCode.BadGateway, error.StatusCode);
        Assert.Contains("Bad gateway for user:***", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Password, harness.AllLogData(), StringComparison.Ordinal);
        var metadata = harness.ChatClient.GetService<ChatClientMetadata>()!;
        Assert.Equal(new Uri($"http://127.0.0.1:{_server.BaseAddress.Port}/v1"), metadata.ProviderUri);
        Assert.False(_server.Requests[0].Headers.ContainsKey("Authorization") && _server.Requests[0].Headers["Authorization"].StartsWith("Basic", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GetResponseAsync_PasswordInAnUnreachableEndpoint_IsNotInTheConnectionError()
    {
        const string Password = "pw-unreachable-77";
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var closedPort = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        await using var harness = Create(o =>
        {
            o.Endpoint = new Uri($"http://wfuser:{Password}@127.0.0.1:{closedPort}/v1");
            o.MaxAttempts = 2;
        });

        var error = await Assert.ThrowsAsync<ProviderException>(() => harness.ChatClient.GetResponseAsync("Hi").WaitAsync(TimeSpan.FromSeconds(15)));

        Assert.Equal("connection_failed", error.ErrorCode);
        Assert.Equal(2, error.Attempts);
        Assert.Contains("after 2 attempts", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Password, harness.AllLogData(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_429WithRetryAfterBeyondTheRequestTimeout_ReportsThe429AtOnce()
    {
        _server.Fallback = static context => ScriptedServer.Respond(context, 429, RateLimited, ("Retry-After", "600"), ("x-request-id", "req_429"));
        await using var harness = Create(o =>
        {
            o.AttemptTimeout = TimeSpan.FromSeconds(2);
            o.RequestTimeout = TimeSpan.FromSeconds(20);
        });
        var stopwatch = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<ProviderException>(() => harness.ChatClient.GetResponseAsync("Hi").WaitAsync(TimeSpan.FromSeconds(15)));

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"took {stopwatch.Elapsed}");
        Assert.Equal(1, _server.RequestCount);
        Assert.Equal(HttpStatusCode.TooManyRequests, error.StatusCode);
        Assert.Equal("rate_limit_exceeded", error.ErrorCode);
        Assert.Equal("req_429", error.RequestId);
        Assert.Equal(1, error.Attempts);
        Assert.Contains("Made 1 attempt; not retried: Retry-After asks for 00:10:00, more than the", error.Message, StringComparison.Ordinal);
        Assert.Contains("of the request timeout (00:00:20)", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("timeout\"", error.ErrorCode, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_429InsufficientQuota_IsNotRetried()
    {
        _server.Fallback = static context => ScriptedServer.Respond(context, 429, QuotaExceeded, ("x-request-id", "req_quota"));
        await using var harness = Create(static _ => { });

        var error = await Assert.ThrowsAsync<ProviderException>(() => harness.ChatClient.GetResponseAsync("Hi"));

        Assert.Equal(1, _server.RequestCount);
        Assert.Equal(1, error.Attempts);
        Assert.Equal("insufficient_quota", error.ErrorCode);
        Assert.Contains("You exceeded your current quota", error.Message, StringComparison.Ordinal);
        Assert.Contains("Made 1 attempt; insufficient_quota is not retried", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(401, 1)]
    [InlineData(403, 1)]
    [InlineData(400, 1)]
    [InlineData(404, 1)]
    [InlineData(408, 3)]
    [InlineData(429, 3)]
    [InlineData(500, 3)]
    [InlineData(503, 3)]
    public async Task GetResponseAsync_ErrorStatus_MakesTheExpectedAttemptsAndSaysSo(int status, int attempts)
    {
        _server.Fallback = context => ScriptedServer.Respond(context, status, """{"error":{"message":"scripted","code":"scripted_code"}}""", ("x-request-id", "req_s"));
        await using var harness = Create(static _ => { });

        var error = await Assert.ThrowsAnyAsync<ProviderException>(() => harness.ChatClient.GetResponseAsync("Hi"));

        Assert.Equal(attempts, _server.RequestCount);
        Assert.Equal(attempts, error.Attempts);
        Assert.Equal(status is 401 or 403, error is ProviderAuthException);
        Assert.Equal((HttpStatusCode)status, error.StatusCode);
        Assert.Equal("scripted_code", error.ErrorCode);
        if (attempts > 1)
        {
            Assert.Contains($"Gave up after {attempts} attempts.", error.Message, StringComparison.Ordinal);
        }
        else
        {
            Assert.DoesNotContain("Gave up", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task GetResponseAsync_ConnectionResetMidBody_IsRetriedAndSucceeds()
    {
        _server.EnqueueResetMidBody().EnqueueCompletion("after the reset");
        await using var harness = Create(static _ => { });

        var response = await harness.ChatClient.GetResponseAsync("Hi").WaitAsync(TimeSpan.FromSeconds(15));

        Assert.Equal("after the reset", response.Text);
        Assert.Equal(2, _server.RequestCount);
    }

    [Fact]
    public async Task GetResponseAsync_ConnectionResetMidBodyEveryTime_IsAConnectionFailureNotAMalformedReply()
    {
        _server.Fallback = static async context =>
        {
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = 4096;
            await context.Response.WriteAsync("""{"id":"chatcmpl-cut",""");
            await context.Response.Body.FlushAsync();
            await Task.Delay(50);
            context.Abort();
        };
        await using var harness = Create(static _ => { });

        var error = await Assert.ThrowsAsync<ProviderException>(() => harness.ChatClient.GetResponseAsync("Hi").WaitAsync(TimeSpan.FromSeconds(15)));

        Assert.Equal("connection_failed", error.ErrorCode);
        Assert.Equal(3, error.Attempts);
        Assert.Equal(3, _server.RequestCount);
        Assert.Contains("after 3 attempts", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not a chat completion", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_BodyStallsAfterHeaders_AttemptTimeoutEndsItAndTheRetrySucceeds()
    {
        _server.EnqueueStallAfterHeaders().EnqueueCompletion("after the stall");
        await using var harness = Create(o =>
        {
            o.AttemptTimeout = TimeSpan.FromSeconds(1);
            o.RequestTimeout = TimeSpan.FromSeconds(20);
        });

        var response = await harness.ChatClient.GetResponseAsync("Hi").WaitAsync(TimeSpan.FromSeconds(15));

        Assert.Equal("after the stall", response.Text);
        Assert.Equal(2, _server.RequestCount);
    }

    [Fact]
    public async Task GetResponseAsync_BodyStallsEveryTime_SaysTheAttemptTimeoutEndedEachAttempt()
    {
        _server.Fallback = static async context =>
        {
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = 4096;
            await context.Response.WriteAsync("""{"id":"chatcmpl-stall",""");
            await context.Response.Body.FlushAsync();
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                // ended by the client's attempt timeout
            }
        };
        await using var harness = Create(o =>
        {
            o.MaxAttempts = 2;
            o.AttemptTimeout = TimeSpan.FromSeconds(2);
            o.RequestTimeout = TimeSpan.FromSeconds(25);
        });

        var error = await Assert.ThrowsAsync<ProviderException>(() => harness.ChatClient.GetResponseAsync("Hi").WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.Equal("timeout", error.ErrorCode);
        Assert.Equal(2, error.Attempts);
        Assert.Equal(2, _server.RequestCount);
        Assert.Contains("the attempt timeout (AttemptTimeout 00:00:02) ended each of the 2 attempts", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_RequestTimeoutFiresFirst_SaysSoWithItsValueAndTheAttemptsMade()
    {
        _server.Fallback = static async context =>
        {
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                // the client gave up
            }
        };
        await using var harness = Create(o =>
        {
            o.MaxAttempts = 5;
            o.AttemptTimeout = TimeSpan.FromSeconds(2);
            o.RequestTimeout = TimeSpan.FromSeconds(3);
        });

        var error = await Assert.ThrowsAsync<ProviderException>(() => harness.ChatClient.GetResponseAsync("Hi").WaitAsync(TimeSpan.FromSeconds(15)));

        Assert.Equal("timeout", error.ErrorCode);
        Assert.Equal(2, error.Attempts);
        Assert.Equal(2, _server.RequestCount);
        Assert.Contains("the request timeout (RequestTimeout 00:00:03) ended the call after 2 attempts (1 of them ended by the attempt timeout", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("text/html", "<!DOCTYPE html><html><body>Welcome to nginx!</body></html>", "the body is not JSON (text/html, starting '<!DOCTYPE html>")]
    [InlineData("application/json", """{"object":"list","data":[]}""", "it has no 'choices' array")]
    [InlineData("application/json", "", "the body is empty")]
    [InlineData("application/json", " \r\n\t ", "the body is empty")]
    [InlineData("application/json", "null", "the body is a JSON null, not an object")]
    [InlineData("application/json", "[1,2]", "the body is a JSON Array, not an object")]
    [InlineData("application/json", """{"object":"chat.completion","choices":[]}""", "its 'choices' array is empty")]
    [InlineData("application/json", """{"object":"chat.completion","choices":[1]}""", "its first choice has no 'message' object")]
    [InlineData("application/json", """{"object":"chat.completion","choices":[{"index":0,"finish_reason":"stop"}]}""", "its first choice has no 'message' object")]
    [InlineData("", "Service\nUnavailable", "the body is not JSON (no content type, starting 'Service Unavailable';")]
    public async Task GetResponseAsync_MalformedReply_KeepsStatusAndRequestIdAndSaysWhatIsWrong(string contentType, string body, string expected)
    {
        _server.Enqueue(async context =>
        {
            context.Response.StatusCode = 200;
            if (contentType.Length > 0)
            {
                context.Response.ContentType = contentType;
            }

            context.Response.Headers["x-request-id"] = "req_html";
            await context.Response.WriteAsync(body);
        });
        await using var harness = Create(static _ => { });

        var error = await Assert.ThrowsAsync<ProviderException>(() => harness.ChatClient.GetResponseAsync("Hi"));

        Assert.Equal("malformed_response", error.ErrorCode);
        Assert.Equal(HttpStatusCode.OK, error.StatusCode);
        Assert.Equal("req_html", error.RequestId);
        Assert.Equal(1, error.Attempts);
        Assert.Equal(1, _server.RequestCount);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains("(request id req_html)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_ErrorStatus_IsTranslatedDuringTheEnumeration()
    {
        _server.Fallback = static context => ScriptedServer.Respond(context, 401, """{"error":{"message":"Incorrect API key provided.","code":"invalid_api_key"}}""", ("x-request-id", "req_stream_401"));
        await using var harness = Create(static _ => { });

        var error = await Assert.ThrowsAsync<ProviderAuthException>(async () =>
        {
            await foreach (var _ in harness.ChatClient.GetStreamingResponseAsync("Hi"))
            {
            }
        });

        Assert.Equal(1, error.Attempts);
        Assert.Equal("invalid_api_key", error.ErrorCode);
        Assert.Equal("req_stream_401", error.RequestId);
        Assert.Contains(harness.Logs.GetSnapshot(), static r => r.Id.Id == 3002);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_ConnectionLostMidStream_IsAConnectionFailure()
    {
        _server.Enqueue(static async context =>
        {
            context.Response.StatusCode = 200;
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync($"data: {ScriptedServer.Chunk("Hel", role: true)}\n\n");
            await context.Response.Body.FlushAsync();
            await Task.Delay(100);
            context.Abort();
        });
        await using var harness = Create(static _ => { });
        var received = new List<string>();

        var error = await Assert.ThrowsAsync<ProviderException>(async () =>
        {
            await foreach (var update in harness.ChatClient.GetStreamingResponseAsync("Hi"))
            {
                received.Add(update.Text);
            }
        });

        Assert.Equal("Hel", string.Concat(received));
        Assert.Equal("connection_failed", error.ErrorCode);
        Assert.Contains("while the reply for model 'gpt-4o-mini' was arriving", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, _server.RequestCount);
    }

    [Fact]
    public async Task GetResponseAsync_CallerCancels_ThrowsOperationCanceledNotProviderException()
    {
        _server.EnqueueHang();
        await using var harness = Create(static _ => { });
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => harness.ChatClient.GetResponseAsync("Hi", cancellationToken: cancellation.Token));

        Assert.Equal(1, _server.RequestCount);
    }

    [Fact]
    public async Task GetResponseAsync_NullMessages_ThrowsArgumentNullExceptionWithoutSending()
    {
        await using var harness = Create(static _ => { });

        var error = await Assert.ThrowsAsync<ArgumentNullException>(() => harness.ChatClient.GetResponseAsync((IEnumerable<ChatMessage>)null!));

        Assert.Equal("messages", error.ParamName);
        Assert.Equal(0, _server.RequestCount);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_NullMessages_ThrowsArgumentNullExceptionWithoutSending()
    {
        await using var harness = Create(static _ => { });

        var error = await Assert.ThrowsAsync<ArgumentNullException>(async () =>
        {
            await foreach (var _ in harness.ChatClient.GetStreamingResponseAsync((IEnumerable<ChatMessage>)null!))
            {
            }
        });

        Assert.Equal("messages", error.ParamName);
        Assert.Equal(0, _server.RequestCount);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_TraceLoggingWithRedaction_LogsThePromptTheStreamedTextAndTheCallSummary()
    {
        // The model is named in the first chunk only, the finish reason comes before the end, and the usage comes in two parts.
        const string NoModel = "\"id\":\"chatcmpl-stream\",\"object\":\"chat.completion.chunk\",\"created\":1770950834";
        _server.EnqueueRawStream(
            [
                $"data: {ScriptedServer.Chunk("Hel", role: true, model: "gpt-4o-2024-08-06")}\n\n",
                $$$"""data: { {{{NoModel}}},"choices":[{"index":0,"delta":{"content":"lo"},"finish_reason":"stop"}]}""" + "\n\n",
                $$$"""data: { {{{NoModel}}},"choices":[],"usage":{"prompt_tokens":20,"completion_tokens":3,"total_tokens":23} }""" + "\n\n",
                $$$"""data: { {{{NoModel}}},"choices":[],"usage":{"prompt_tokens":6,"completion_tokens":7,"total_tokens":13} }""" + "\n\n",
                "data: [DONE]\n\n",
            ],
            ("x-request-id", "req_streamed"));
        await using var harness = ProviderHarness.Create(
            o =>
            {
                o.Endpoint = _server.V1;
                o.DefaultModel = "gpt-4o";
            },
            services: static s => s.AddLogging(static b => b.AddGenAiWorkflowsRedaction()));
        List<ChatMessage> messages = [new(ChatRole.System, "Be brief."), new(ChatRole.User, $"Hi, my key is {ProviderHarness.TestApiKey}")];
        var updates = new List<ChatResponseUpdate>();

        await foreach (var update in harness.ChatClient.GetStreamingResponseAsync(messages))
        {
            updates.Add(update);
        }

        var records = harness.Logs.GetSnapshot();
        Assert.Equal("system: Be brief.\nuser: Hi, my key is ***", State(Assert.Single(records, static r => r.Id.Id == 3003))["Prompt"]);
        Assert.Equal("Hello", State(Assert.Single(records, static r => r.Id.Id == 3004))["Completion"]);
        var completed = State(Assert.Single(records, static r => r.Id.Id == 3001));
        Assert.Equal("gpt-4o", completed["Model"]);
        Assert.Equal("gpt-4o-2024-08-06", completed["ResponseModel"]);
        Assert.Equal("stop", completed["FinishReason"]);
        Assert.Equal("req_streamed", completed["RequestId"]);

        // The same totals as the response the updates make up.
        var response = updates.ToChatResponse();
        Assert.Equal(26, response.Usage!.InputTokenCount);
        Assert.Equal(10, response.Usage.OutputTokenCount);
        Assert.Equal("26", completed["InputTokens"]);
        Assert.Equal("10", completed["OutputTokens"]);
        Assert.DoesNotContain(ProviderHarness.TestApiKey, harness.AllLogData(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GetStreamingResponseAsync_MessagesFailWhileRead_IsAnInvalidRequestAndNothingIsSent(bool callerCancelled)
    {
        await using var harness = Create(static _ => { });
        using var cancellation = new CancellationTokenSource();
        if (callerCancelled)
        {
            await cancellation.CancelAsync();
        }

        var error = await Assert.ThrowsAsync<ProviderException>(async () =>
        {
            var messages = Unreadable(new InvalidOperationException("Collection was modified; enumeration operation may not execute."));
            await foreach (var _ in harness.ChatClient.GetStreamingResponseAsync(messages, new ChatOptions { ModelId = "gpt-4o" }, cancellation.Token))
            {
            }
        });

        Assert.Equal(
            "Provider 'openai' (openai) could not send the request for model 'gpt-4o': Collection was modified; enumeration operation may not execute.",
            error.Message);
        Assert.Equal("invalid_request", error.ErrorCode);
        Assert.Equal(0, error.Attempts);
        Assert.Null(error.StatusCode);
        Assert.Null(error.RequestId);
        Assert.Equal(0, _server.RequestCount);
        Assert.Contains(harness.Logs.GetSnapshot(), static r => r.Id.Id == 3002);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_MessagesFailWhileReadAndNoModelIsNamed_SaysModelNone()
    {
        await using var harness = Create(static o => o.DefaultModel = null);

        var error = await Assert.ThrowsAsync<ProviderException>(async () =>
        {
            await foreach (var _ in harness.ChatClient.GetStreamingResponseAsync(Unreadable(new InvalidOperationException("The list changed."))))
            {
            }
        });

        Assert.Equal("Provider 'openai' (openai) could not send the request for model '(none)': The list changed.", error.Message);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_CallerCancelsWhileMessagesAreRead_ThrowsOperationCanceledNotProviderException()
    {
        await using var harness = Create(static _ => { });
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in harness.ChatClient.GetStreamingResponseAsync(Unreadable(new OperationCanceledException(cancellation.Token)), cancellationToken: cancellation.Token))
            {
            }
        });

        Assert.Equal(0, _server.RequestCount);
        Assert.DoesNotContain(harness.Logs.GetSnapshot(), static r => r.Id.Id == 3002);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_FrameworkErrorWhileMessagesAreRead_ComesOutAsItIs()
    {
        var problem = new StepException("Template variable 'topic' is missing.");
        await using var harness = Create(static _ => { });

        var error = await Assert.ThrowsAsync<StepException>(async () =>
        {
            await foreach (var _ in harness.ChatClient.GetStreamingResponseAsync(Unreadable(problem)))
            {
            }
        });

        Assert.Same(problem, error);
        Assert.DoesNotContain(harness.Logs.GetSnapshot(), static r => r.Id.Id == 3002);
    }

    [Fact]
    public async Task GetResponseAsync_NoModelNamedAnywhere_FailsWithoutSendingAndLogsTheModelAsNone()
    {
        await using var harness = Create(static o => o.DefaultModel = null);

        var error = await Assert.ThrowsAsync<ProviderException>(() => harness.ChatClient.GetResponseAsync("Hi"));

        // The mapper's own message, not wrapped as a failure to send.
        Assert.StartsWith("The request to provider 'openai' names no model and GenAiWorkflows:Providers:openai:DefaultModel is not set.", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, _server.RequestCount);
        Assert.Equal("(none)", State(Assert.Single(harness.Logs.GetSnapshot(), static r => r.Id.Id == 3002))["Model"]);
    }

    private static IEnumerable<ChatMessage> Unreadable(Exception exception)
    {
        yield return new ChatMessage(ChatRole.User, "Hi");
        throw exception;
    }

    private static Dictionary<string, string?> State(Microsoft.Extensions.Logging.Testing.FakeLogRecord record) =>
        record.StructuredState!.ToDictionary(static p => p.Key, static p => p.Value);

    private ProviderHarness Create(Action<OpenAIProviderOptions> configure) =>
        ProviderHarness.Create(o =>
        {
            o.Endpoint = _server.V1;
            o.DefaultModel = "gpt-4o-mini";
            configure(o);
        }, minimumLevel: LogLevel.Trace);
}
