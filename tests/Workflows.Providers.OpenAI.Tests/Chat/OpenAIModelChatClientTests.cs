using System.Text.Json;
using Microsoft.AspNetCore.Http;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Workflows.Providers.OpenAI.Tests;

/// <summary>
/// The provider's <see cref="IChatClient"/> used directly against a scripted Kestrel server: metadata and lifecycle,
/// ChatOptions mapping, reasoning models, streaming with usage, refusals, tool calls and finish reasons the SDK does not know.
/// </summary>
public sealed class OpenAIModelChatClientTests : IAsyncLifetime
{
    private ScriptedServer _server = null!;

    public async Task InitializeAsync() => _server = await ScriptedServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task GetService_ChatClientMetadata_IsOpenAIWithEndpointAndDefaultModel()
    {
        await using var harness = Create(static _ => { });

        var metadata = harness.ChatClient.GetService<ChatClientMetadata>()!;

        Assert.Equal("openai", metadata.ProviderName);
        Assert.Equal(_server.V1, metadata.ProviderUri);
        Assert.Equal("gpt-4o-mini", metadata.DefaultModelId);
    }

    [Fact]
    public async Task GetService_AzureWithUserInfoInTheEndpoint_IsAzureAIOpenAIWithoutTheUserInfo()
    {
        await using var harness = Create(o =>
        {
            o.ApiType = "Azure";
            o.Endpoint = new Uri($"http://someone:s3cret-pass@127.0.0.1:{_server.BaseAddress.Port}/");
        });

        var metadata = harness.ChatClient.GetService<ChatClientMetadata>()!;

        Assert.Equal("azure.ai.openai", metadata.ProviderName);
        Assert.Equal(_server.BaseAddress, metadata.ProviderUri);
        Assert.Equal(string.Empty, metadata.ProviderUri!.UserInfo); // Uri equality ignores user information
        Assert.Equal(_server.BaseAddress.AbsoluteUri, metadata.ProviderUri.AbsoluteUri);
    }

    [Fact]
    public async Task GetService_ModelClient_IsFoundUnkeyedAndAnswersForItself()
    {
        await using var harness = Create(static _ => { });

        var inner = harness.ChatClient.GetService<OpenAIModelChatClient>();

        Assert.NotNull(inner);
        Assert.Null(harness.ChatClient.GetService(typeof(OpenAIModelChatClient), "some-key"));
        Assert.Null(harness.ChatClient.GetService(typeof(ChatClientMetadata), "some-key"));
        Assert.Equal("openai", inner.GetService<ChatClientMetadata>()!.ProviderName);
        Assert.Same(inner, inner.GetService(typeof(IChatClient)));
        Assert.Null(inner.GetService(typeof(string)));
        Assert.Equal("serviceType", Assert.Throws<ArgumentNullException>(() => inner.GetService(null!)).ParamName);
    }

    [Fact]
    public async Task GetResponseAsync_NullMessages_ThrowsArgumentNullExceptionBeforeCheckingTheOptions()
    {
        await using var harness = Create(static _ => { });
        var inner = harness.ChatClient.GetService<OpenAIModelChatClient>()!;
        var invalid = new ChatOptions { Temperature = 5f };

        var error = await Assert.ThrowsAsync<ArgumentNullException>(() => inner.GetResponseAsync(null!, invalid));
        var streamingError = await Assert.ThrowsAsync<ArgumentNullException>(async () =>
        {
            await foreach (var _ in inner.GetStreamingResponseAsync(null!, invalid))
            {
            }
        });

        Assert.Equal("messages", error.ParamName);
        Assert.Equal("messages", streamingError.ParamName);
        Assert.Equal(0, _server.RequestCount);
    }

    [Fact]
    public async Task GetService_IProviderLifecycle_InitializesOnceLogsAndCleansUp()
    {
        await using var harness = Create(static _ => { });
        var lifecycle = harness.ChatClient.GetService<IProviderLifecycle>();

        Assert.NotNull(lifecycle);
        await lifecycle.InitializeAsync();
        await lifecycle.CleanupAsync();

        Assert.Single(harness.Logs.GetSnapshot(), static r => r.Id.Id == 3005);
        Assert.Single(harness.Logs.GetSnapshot(), static r => r.Id.Id == 3006);
    }

    [Fact]
    public async Task GetResponseAsync_Reply_ReadsTextUsageModelIdAndFinishReason()
    {
        _server.EnqueueCompletion("Hello! How can I assist you today?");
        await using var harness = Create(static _ => { });

        var response = await harness.ChatClient.GetResponseAsync("Hello, world!");

        Assert.Equal("Hello! How can I assist you today?", response.Text);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.Equal("gpt-4o-mini-2024-07-18", response.ModelId);
        Assert.Equal("chatcmpl-test", response.ResponseId);
        Assert.Equal(11, response.Usage!.InputTokenCount);
        Assert.Equal(9, response.Usage.OutputTokenCount);
        Assert.Equal(20, response.Usage.TotalTokenCount);
        Assert.Equal(4, response.Usage.CachedInputTokenCount);
        Assert.Equal(3, response.Usage.ReasoningTokenCount);
        Assert.Equal("gpt-4o-mini", Body(0)["model"]!.GetValue<string>());
    }

    [Fact]
    public async Task GetResponseAsync_ChatOptions_AreSentFaithfully()
    {
        _server.EnqueueCompletion("{}");
        await using var harness = Create(static _ => { });
        var schema = JsonDocument.Parse("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}""").RootElement;
        var options = new ChatOptions
        {
            ModelId = "gpt-4.1-mini",
            Temperature = 0.5f,
            TopP = 0.9f,
            MaxOutputTokens = 300,
            FrequencyPenalty = 0.25f,
            PresencePenalty = -0.5f,
            Seed = 7,
            StopSequences = ["END", "STOP"],
            ResponseFormat = ChatResponseFormat.ForJsonSchema(schema, "city_answer", "The city."),
            Tools = [AIFunctionFactory.Create((string city) => $"sunny in {city}", "get_weather", "Gets the weather.")],
            ToolMode = ChatToolMode.RequireSpecific("get_weather"),
            AdditionalProperties = new() { ["service_tier"] = "flex", ["user"] = "end-user-1" },
        };

        await harness.ChatClient.GetResponseAsync("Weather in Lisbon?", options);

        var body = Body(0);
        Assert.Equal("gpt-4.1-mini", body["model"]!.GetValue<string>());
        Assert.Equal(0.5, body["temperature"]!.GetValue<double>(), 5);
        Assert.Equal(0.9, body["top_p"]!.GetValue<double>(), 5);
        Assert.Equal(300, body["max_completion_tokens"]!.GetValue<int>());
        Assert.Equal(0.25, body["frequency_penalty"]!.GetValue<double>(), 5);
        Assert.Equal(-0.5, body["presence_penalty"]!.GetValue<double>(), 5);
        Assert.Equal(7, body["seed"]!.GetValue<long>());
        Assert.Equal(["END", "STOP"], body["stop"]!.AsArray().Select(static s => s!.GetValue<string>()));
        Assert.Equal("json_schema", body["response_format"]!["type"]!.GetValue<string>());
        Assert.Equal("city_answer", body["response_format"]!["json_schema"]!["name"]!.GetValue<string>());
        Assert.Equal("get_weather", body["tools"]![0]!["function"]!["name"]!.GetValue<string>());
        Assert.Equal("get_weather", body["tool_choice"]!["function"]!["name"]!.GetValue<string>());
        Assert.Equal("flex", body["service_tier"]!.GetValue<string>());
        Assert.Equal("end-user-1", body["user"]!.GetValue<string>());
    }

    [Fact]
    public async Task GetResponseAsync_UnknownAdditionalProperty_IsNotSentAndLoggedAtDebug()
    {
        _server.EnqueueCompletion();
        await using var harness = Create(static _ => { });

        await harness.ChatClient.GetResponseAsync("Hi", new ChatOptions { AdditionalProperties = new() { ["logit_bias_x"] = "1" } });

        Assert.False(Body(0).ContainsKey("logit_bias_x"));
        var record = Assert.Single(harness.Logs.GetSnapshot(), static r => r.Id.Id == 3007);
        Assert.Equal(LogLevel.Debug, record.Level);
        Assert.Equal("Provider openai does not send the request setting logit_bias_x; it supports reasoning_effort, service_tier, user.", record.Message);
    }

    [Fact]
    public async Task GetResponseAsync_StrictAdditionalProperty_IsAppliedToToolsAndNotReportedAsIgnored()
    {
        _server.EnqueueCompletion();
        await using var harness = Create(static _ => { });

        await harness.ChatClient.GetResponseAsync("Weather?", new ChatOptions
        {
            Tools = [AIFunctionFactory.Create((string city) => city, "get_weather")],
            AdditionalProperties = new() { ["strict"] = true },
        });

        Assert.True(Body(0)["tools"]![0]!["function"]!["strict"]!.GetValue<bool>());
        Assert.DoesNotContain(harness.Logs.GetSnapshot(), static r => r.Id.Id == 3007);
    }

    [Fact]
    public async Task GetResponseAsync_BlankReasoningEffortServiceTierAndUser_AreNotSentAndTheModelKeepsItsSampling()
    {
        _server.EnqueueCompletion();
        await using var harness = Create(static _ => { });

        await harness.ChatClient.GetResponseAsync("Hi", new ChatOptions
        {
            ModelId = "gpt-4o-mini",
            Temperature = 0.5f,
            AdditionalProperties = new() { ["reasoning_effort"] = " ", ["service_tier"] = "", ["user"] = "  " },
        });

        var body = Body(0);
        Assert.Equal(["messages", "model", "temperature"], body.Select(static p => p.Key).Order());
        Assert.Equal(0.5, body["temperature"]!.GetValue<double>(), 5);
        Assert.DoesNotContain(harness.Logs.GetSnapshot(), static r => r.Id.Id == 3008);
    }

    [Fact]
    public async Task GetResponseAsync_CallersRawOptions_WinOverTheMappedSettingsAndAreSent()
    {
        _server.EnqueueCompletion();
        await using var harness = Create(static _ => { });
#pragma warning disable OPENAI001 // reasoning_effort and service_tier are marked experimental by the SDK.
        var options = new ChatOptions
        {
            ModelId = "o4-mini",
            MaxOutputTokens = 500,
            AdditionalProperties = new() { ["reasoning_effort"] = "low", ["service_tier"] = "flex", ["user"] = "from-properties" },
            RawRepresentationFactory = static _ => new global::OpenAI.Chat.ChatCompletionOptions
            {
                MaxOutputTokenCount = 77,
                ReasoningEffortLevel = global::OpenAI.Chat.ChatReasoningEffortLevel.High,
                ServiceTier = new global::OpenAI.Chat.ChatServiceTier("priority"),
                EndUserId = "from-raw-options",
                IncludeLogProbabilities = true,
            },
        };
#pragma warning restore OPENAI001

        await harness.ChatClient.GetResponseAsync("Hi", options);

        var body = Body(0);
        Assert.Equal(77, body["max_completion_tokens"]!.GetValue<int>());
        Assert.Equal("high", body["reasoning_effort"]!.GetValue<string>());
        Assert.Equal("priority", body["service_tier"]!.GetValue<string>());
        Assert.Equal("from-raw-options", body["user"]!.GetValue<string>());
        Assert.True(body["logprobs"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData(0f, 0f, -2f, 2f)]
    [InlineData(2f, 1f, 2f, -2f)]
    public async Task GetResponseAsync_ValuesAtTheEdgesOfTheirRanges_AreSent(float temperature, float topP, float frequencyPenalty, float presencePenalty)
    {
        _server.EnqueueCompletion();
        await using var harness = Create(static _ => { });

        await harness.ChatClient.GetResponseAsync("Hi", new ChatOptions
        {
            Temperature = temperature,
            TopP = topP,
            FrequencyPenalty = frequencyPenalty,
            PresencePenalty = presencePenalty,
            MaxOutputTokens = 1,
        });

        var body = Body(0);
        Assert.Equal(temperature, body["temperature"]!.GetValue<double>(), 5);
        Assert.Equal(topP, body["top_p"]!.GetValue<double>(), 5);
        Assert.Equal(frequencyPenalty, body["frequency_penalty"]!.GetValue<double>(), 5);
        Assert.Equal(presencePenalty, body["presence_penalty"]!.GetValue<double>(), 5);
        Assert.Equal(1, body["max_completion_tokens"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("o1", true)]
    [InlineData("o1-mini", true)]
    [InlineData("o3", true)]
    [InlineData("o3-mini-2025-01-31", true)]
    [InlineData("o4-mini", true)]
    [InlineData("gpt-5", true)]
    [InlineData("gpt-5-mini", true)]
    [InlineData("gpt-5.1", true)]
    [InlineData("GPT-5-nano", true)]
    [InlineData("openai/o3-mini", true)]
    [InlineData("gpt-5-chat-latest", false)]
    [InlineData("gpt-4o-mini", false)]
    [InlineData("gpt-4.1", false)]
    [InlineData("o10-custom", false)]
    [InlineData("llama-3.2-3b-instruct", false)]
    [InlineData("", false)]
    public void IsReasoningModel_ModelId_FollowsThePrefixRule(string model, bool expected) =>
        Assert.Equal(expected, ChatRequestMapper.IsReasoningModel(model));

    [Fact]
    public async Task GetResponseAsync_ReasoningModel_DropsSamplingParametersAndLogsThemAtDebug()
    {
        _server.EnqueueCompletion();
        await using var harness = Create(static _ => { });

        await harness.ChatClient.GetResponseAsync("Hi", new ChatOptions
        {
            ModelId = "o4-mini",
            Temperature = 0.3f,
            TopP = 0.5f,
            FrequencyPenalty = 0.1f,
            PresencePenalty = 0.1f,
            MaxOutputTokens = 500,
            Seed = 1,
        });

        var body = Body(0);
        Assert.Equal(["max_completion_tokens", "messages", "model", "seed"], body.Select(static p => p.Key).Order());
        var record = Assert.Single(harness.Logs.GetSnapshot(), static r => r.Id.Id == 3008);
        Assert.Equal(LogLevel.Debug, record.Level);
        Assert.Contains("temperature, top_p, frequency_penalty, presence_penalty", record.Message, StringComparison.Ordinal);
        Assert.Contains("o4-mini", record.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_ReasoningModelWithoutSamplingParameters_LogsNothingDropped()
    {
        _server.EnqueueCompletion();
        await using var harness = Create(static _ => { });

        await harness.ChatClient.GetResponseAsync("Hi", new ChatOptions { ModelId = "o4-mini", MaxOutputTokens = 500 });

        Assert.Equal(["max_completion_tokens", "messages", "model"], Body(0).Select(static p => p.Key).Order());
        Assert.DoesNotContain(harness.Logs.GetSnapshot(), static r => r.Id.Id == 3008);
    }

    [Fact]
    public async Task GetResponseAsync_AzureConfiguredDeployment_WinsOverTheModelAndReasoningSendsMaxCompletionTokens()
    {
        _server.EnqueueCompletion().EnqueueCompletion();
        await using var harness = Create(o =>
        {
            o.ApiType = "Azure";
            o.Endpoint = _server.BaseAddress;
            o.Deployment = "prod-o3-mini";
        });

        await harness.ChatClient.GetResponseAsync("Hi", new ChatOptions { ModelId = "o3-mini", MaxOutputTokens = 400, Temperature = 1f });

        var request = _server.Requests[0];
        Assert.Equal("/openai/deployments/prod-o3-mini/chat/completions", request.Path);
        var body = Body(0);
        Assert.Equal(400, body["max_completion_tokens"]!.GetValue<int>());
        Assert.False(body.ContainsKey("max_tokens"));
        Assert.False(body.ContainsKey("temperature"));
    }

    [Fact]
    public async Task GetResponseAsync_AzureNonReasoningDeployment_SendsMaxTokens()
    {
        _server.EnqueueCompletion();
        await using var harness = Create(o =>
        {
            o.ApiType = "Azure";
            o.Endpoint = _server.BaseAddress;
        });

        await harness.ChatClient.GetResponseAsync("Hi", new ChatOptions { ModelId = "my-gpt-4o", MaxOutputTokens = 60, Temperature = 0.2f });

        Assert.Equal("/openai/deployments/my-gpt-4o/chat/completions", _server.Requests[0].Path);
        var body = Body(0);
        Assert.Equal(60, body["max_tokens"]!.GetValue<int>());
        Assert.False(body.ContainsKey("max_completion_tokens"));
        Assert.Equal(0.2, body["temperature"]!.GetValue<double>(), 5);
    }

    [Theory]
    [InlineData(nameof(ChatOptions.Temperature), 2.5f, "The request's Temperature (temperature) is 2.5, but provider 'openai' accepts 0 to 2.")]
    [InlineData(nameof(ChatOptions.Temperature), -0.1f, "The request's Temperature (temperature) is -0.1, but provider 'openai' accepts 0 to 2.")]
    [InlineData(nameof(ChatOptions.TopP), 1.5f, "The request's TopP (top_p) is 1.5, but provider 'openai' accepts 0 to 1.")]
    [InlineData(nameof(ChatOptions.MaxOutputTokens), 0f, "The request's MaxOutputTokens (max tokens) is 0, but provider 'openai' needs at least 1")]
    [InlineData(nameof(ChatOptions.FrequencyPenalty), 3f, "The request's FrequencyPenalty (frequency_penalty) is 3, but provider 'openai' accepts -2 to 2.")]
    [InlineData(nameof(ChatOptions.PresencePenalty), -2.5f, "The request's PresencePenalty (presence_penalty) is -2.5, but provider 'openai' accepts -2 to 2.")]
    public async Task GetResponseAsync_ValueOutOfRange_ThrowsSayingWhichValueAndTheRangeWithoutSending(string property, float value, string expected)
    {
        await using var harness = Create(static _ => { });
        var options = property switch
        {
            nameof(ChatOptions.Temperature) => new ChatOptions { Temperature = value },
            nameof(ChatOptions.TopP) => new ChatOptions { TopP = value },
            nameof(ChatOptions.FrequencyPenalty) => new ChatOptions { FrequencyPenalty = value },
            nameof(ChatOptions.PresencePenalty) => new ChatOptions { PresencePenalty = value },
            _ => new ChatOptions { MaxOutputTokens = (int)value },
        };

        var error = await Assert.ThrowsAsync<ProviderException>(() => harness.ChatClient.GetResponseAsync("Hi", options));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Equal("invalid_request", error.ErrorCode);
        Assert.Equal(0, _server.RequestCount);
    }

    [Theory]
    [InlineData("\"eos\"", "eos")]
    [InlineData("\"abort\"", "abort")]
    [InlineData("null", null)]
    [InlineData("1", "1")]
    public async Task GetResponseAsync_FinishReasonTheSdkDoesNotKnow_KeepsTheReplyAndTheOriginalValue(string wire, string? expected)
    {
        var body = ScriptedServer.Completion("from llama.cpp").Replace("\"finish_reason\":\"stop\"", $"\"finish_reason\":{wire}", StringComparison.Ordinal);
        _server.EnqueueJson(200, body);
        await using var harness = Create(static _ => { });

        var response = await harness.ChatClient.GetResponseAsync("Hi");

        Assert.Equal("from llama.cpp", response.Text);
        Assert.Equal(expected, response.FinishReason?.Value);
        Assert.True(response.AdditionalProperties!.ContainsKey("finish_reason"));
        Assert.Equal(expected, response.AdditionalProperties["finish_reason"]);
        Assert.Equal(20, response.Usage!.TotalTokenCount);
    }

    [Fact]
    public async Task GetResponseAsync_SeveralChoicesWithFinishReasonsTheSdkDoesNotKnow_KeepsTheReply()
    {
        _server.EnqueueJson(200, """
            {"id":"chatcmpl-n2","object":"chat.completion","created":1770950813,"model":"llama",
             "choices":[{"index":0,"message":{"role":"assistant","content":"first"},"finish_reason":"eos"},
                        {"index":1,"message":{"role":"assistant","content":"second"},"finish_reason":"eos"}],
             "usage":{"prompt_tokens":5,"completion_tokens":4,"total_tokens":9}}
            """);
        await using var harness = Create(static _ => { });

        var response = await harness.ChatClient.GetResponseAsync("Hi");

        Assert.Equal("first", response.Text);
        Assert.Equal("eos", response.FinishReason?.Value);
        Assert.Equal(9, response.Usage!.TotalTokenCount);
    }

    [Fact]
    public async Task GetResponseAsync_FinishReasonMissing_KeepsTheReply()
    {
        var body = ScriptedServer.Completion("no reason").Replace(",\"finish_reason\":\"stop\"", string.Empty, StringComparison.Ordinal);
        _server.EnqueueJson(200, body);
        await using var harness = Create(static _ => { });

        var response = await harness.ChatClient.GetResponseAsync("Hi");

        Assert.Equal("no reason", response.Text);
        Assert.Null(response.FinishReason);
    }

    [Fact]
    public async Task GetResponseAsync_ToolCall_ComesOutAsFunctionCallContent()
    {
        _server.EnqueueJson(200, """
            {"id":"chatcmpl-tool","object":"chat.completion","created":1770950813,"model":"gpt-4o-mini-2024-07-18",
             "choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function",
               "function":{"name":"get_weather","arguments":"{\"city\":\"Lisbon\"}"}}]},"finish_reason":"tool_calls"}],
             "usage":{"prompt_tokens":30,"completion_tokens":12,"total_tokens":42}}
            """);
        await using var harness = Create(static _ => { });

        var response = await harness.ChatClient.GetResponseAsync("Weather?", new ChatOptions
        {
            Tools = [AIFunctionFactory.Create((string city) => city, "get_weather")],
        });

        var call = Assert.Single(response.Messages.SelectMany(static m => m.Contents).OfType<FunctionCallContent>());
        Assert.Equal("call_1", call.CallId);
        Assert.Equal("get_weather", call.Name);
        Assert.Equal("Lisbon", call.Arguments!["city"]!.ToString());
        Assert.Equal(ChatFinishReason.ToolCalls, response.FinishReason);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_Reply_RequestsUsageAndEndsWithUsageContent()
    {
        _server.EnqueueStream([
            ScriptedServer.Chunk("", role: true), ScriptedServer.Chunk("Hello"), ScriptedServer.Chunk(" there"),
            ScriptedServer.Chunk(finishReason: "stop"), ScriptedServer.UsageChunk(26, 10)]);
        await using var harness = Create(static _ => { });

        var updates = await Collect(harness.ChatClient.GetStreamingResponseAsync("Hi"));
        var response = updates.ToChatResponse();

        Assert.Equal("Hello there", response.Text);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.Equal(26, response.Usage!.InputTokenCount);
        Assert.Equal(10, response.Usage.OutputTokenCount);
        Assert.Single(updates.SelectMany(static u => u.Contents).OfType<UsageContent>());
        var body = Body(0);
        Assert.True(body["stream"]!.GetValue<bool>());
        Assert.True(body["stream_options"]!["include_usage"]!.GetValue<bool>());
        var completed = Assert.Single(harness.Logs.GetSnapshot(), static r => r.Id.Id == 3001);
        Assert.Contains("tokens 26 in / 10 out", completed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_SlowStream_IsNotBufferedNorCutByTheAttemptTimeout()
    {
        var firstUpdateSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _server.EnqueueStream([ScriptedServer.Chunk("warm", role: true), ScriptedServer.Chunk(finishReason: "stop")]);
        _server.Enqueue(async context =>
        {
            context.Response.StatusCode = 200;
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync($"data: {ScriptedServer.Chunk("first", role: true)}\n\n");
            await context.Response.Body.FlushAsync();

            // The rest comes only once the client has read the first update: a buffering client would wait forever.
            await firstUpdateSeen.Task.WaitAsync(TimeSpan.FromSeconds(10));
            await Task.Delay(2500); // longer than the attempt timeout
            await context.Response.WriteAsync($"data: {ScriptedServer.Chunk(" second")}\n\ndata: {ScriptedServer.Chunk(finishReason: "stop")}\n\n");
            await context.Response.WriteAsync($"data: {ScriptedServer.UsageChunk()}\n\ndata: [DONE]\n\n");
        });
        await using var harness = Create(o =>
        {
            o.AttemptTimeout = TimeSpan.FromSeconds(1);
            o.RequestTimeout = TimeSpan.FromSeconds(20);
        });
        await foreach (var _ in harness.ChatClient.GetStreamingResponseAsync("warm up")) // the first call's JIT is not what this test measures
        {
        }

        var texts = new List<string>();
        await foreach (var update in harness.ChatClient.GetStreamingResponseAsync("Hi").WithCancellation(new CancellationTokenSource(TimeSpan.FromSeconds(15)).Token))
        {
            texts.Add(update.Text);
            firstUpdateSeen.TrySetResult();
        }

        Assert.Equal("first second", string.Concat(texts));
        Assert.Equal(2, _server.RequestCount);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_Refusal_ComesOutAsErrorContentRefusal()
    {
        _server.EnqueueStream([
            ScriptedServer.Chunk(role: true, refusal: ""), ScriptedServer.Chunk(refusal: "I'm sorry, "), ScriptedServer.Chunk(refusal: "I can't help with that."),
            ScriptedServer.Chunk(finishReason: "stop"), ScriptedServer.UsageChunk()]);
        await using var harness = Create(static _ => { });

        var updates = await Collect(harness.ChatClient.GetStreamingResponseAsync("Rob a bank", new ChatOptions
        {
            ResponseFormat = ChatResponseFormat.ForJsonSchema(JsonDocument.Parse("""{"type":"object","properties":{"steps":{"type":"array","items":{"type":"string"}}}}""").RootElement, "plan"),
        }));

        var refusal = Assert.Single(updates.SelectMany(static u => u.Contents).OfType<ErrorContent>());
        Assert.Equal("Refusal", refusal.ErrorCode);
        Assert.Equal("I'm sorry, I can't help with that.", refusal.Message);
        Assert.Equal(string.Empty, updates.ToChatResponse().Text);
        var update = updates.Single(static u => u.Contents.OfType<ErrorContent>().Any());
        Assert.Equal("chatcmpl-stream", update.ResponseId);
        Assert.Equal("chatcmpl-stream", update.MessageId);
        Assert.Equal("gpt-4o-2024-08-06", update.ModelId);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1770950834), update.CreatedAt);
        Assert.Equal(ChatFinishReason.Stop, update.FinishReason);
        Assert.Single(updates.ToChatResponse().Messages);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_EmptyRefusalDelta_IsNoRefusal()
    {
        _server.EnqueueStream([
            ScriptedServer.Chunk("", role: true, refusal: ""), ScriptedServer.Chunk("Sure."), ScriptedServer.Chunk(finishReason: "stop"), ScriptedServer.UsageChunk()]);
        await using var harness = Create(static _ => { });

        var updates = await Collect(harness.ChatClient.GetStreamingResponseAsync("Hi"));

        Assert.Empty(updates.SelectMany(static u => u.Contents).OfType<ErrorContent>());
        Assert.Equal("Sure.", updates.ToChatResponse().Text);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_RefusalNextToAToolCall_IsReportedOnce()
    {
        _server.EnqueueStream([
            ScriptedServer.Chunk(role: true), ScriptedServer.Chunk(refusal: "Not that one."), ScriptedServer.ToolCallChunk("call_3", "get_weather", "{\"city\":\"Faro\"}"),
            ScriptedServer.Chunk(finishReason: "tool_calls"), ScriptedServer.UsageChunk()]);
        await using var harness = Create(static _ => { });

        var updates = await Collect(harness.ChatClient.GetStreamingResponseAsync("Weather?", new ChatOptions
        {
            Tools = [AIFunctionFactory.Create((string city) => city, "get_weather")],
        }));

        var refusal = Assert.Single(updates.SelectMany(static u => u.Contents).OfType<ErrorContent>());
        Assert.Equal("Refusal", refusal.ErrorCode);
        Assert.Equal("Not that one.", refusal.Message);
        Assert.Single(updates.SelectMany(static u => u.Contents).OfType<FunctionCallContent>());
    }

    [Fact]
    public async Task GetStreamingResponseAsync_ToolCallDeltas_AreCombinedIntoOneFunctionCall()
    {
        _server.EnqueueStream([
            ScriptedServer.Chunk(role: true), ScriptedServer.ToolCallChunk("call_9", "get_weather", ""), ScriptedServer.ToolCallChunk(null, null, "{\"city\":"), ScriptedServer.ToolCallChunk(null, null, "\"Porto\"}"),
            ScriptedServer.Chunk(finishReason: "tool_calls"), ScriptedServer.UsageChunk()]);
        await using var harness = Create(static _ => { });

        var updates = await Collect(harness.ChatClient.GetStreamingResponseAsync("Weather?", new ChatOptions
        {
            Tools = [AIFunctionFactory.Create((string city) => city, "get_weather")],
        }));

        var call = Assert.Single(updates.SelectMany(static u => u.Contents).OfType<FunctionCallContent>());
        Assert.Equal("call_9", call.CallId);
        Assert.Equal("Porto", call.Arguments!["city"]!.ToString());
    }

    [Theory]
    [InlineData("eos")]
    [InlineData("abort")]
    public async Task GetStreamingResponseAsync_FinishReasonTheSdkDoesNotKnow_KeepsTheStreamAndTheOriginalValue(string reason)
    {
        _server.EnqueueStream([ScriptedServer.Chunk("", role: true), ScriptedServer.Chunk("local"), ScriptedServer.Chunk(finishReason: reason), ScriptedServer.UsageChunk()]);
        await using var harness = Create(static _ => { });

        var updates = await Collect(harness.ChatClient.GetStreamingResponseAsync("Hi"));

        Assert.Equal("local", string.Concat(updates.Select(static u => u.Text)));
        var last = updates.Last(static u => u.FinishReason is not null);
        Assert.Equal(reason, last.FinishReason!.Value.Value);
        Assert.Equal(reason, last.AdditionalProperties!["finish_reason"]);
    }

    private static async Task<List<ChatResponseUpdate>> Collect(IAsyncEnumerable<ChatResponseUpdate> updates)
    {
        var list = new List<ChatResponseUpdate>();
        await foreach (var update in updates)
        {
            list.Add(update);
        }

        return list;
    }

    private JsonObject Body(int index) => JsonNode.Parse(_server.Requests[index].Body)!.AsObject();

    private ProviderHarness Create(Action<OpenAIProviderOptions> configure) =>
        ProviderHarness.Create(o =>
        {
            o.Endpoint = _server.V1;
            o.DefaultModel = "gpt-4o-mini";
            configure(o);
        }, minimumLevel: LogLevel.Trace);
}
