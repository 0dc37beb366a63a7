using Microsoft.Extensions.AI;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Workflows.Providers.OpenAI.Tests;

public sealed class OpenAIProviderTests : IAsyncLifetime
{
    private ScriptedServer _server = null!;

    public async Task InitializeAsync() => _server = await ScriptedServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task CompleteAsync_SuccessfulReply_ReadsContentFinishReasonModelIdAndUsage()
    {
        _server.EnqueueCompletion("Hello! How can I assist you today?");
        await using var harness = ProviderHarness.Create(o => o.Endpoint = _server.V1);

        var response = await harness.Provider.CompleteAsync(new TestCall("Hello, world!"));

        Assert.Equal("Hello! How can I assist you today?", response.Content);
        Assert.Equal("stop", response.FinishReason);
        Assert.Equal("gpt-4o-mini-2024-07-18", response.Model);
        Assert.Equal("chatcmpl-test", response.ResponseId);
        Assert.Equal(new TokenUsage { InputTokens = 11, OutputTokens = 9, TotalTokens = 20, CachedInputTokens = 4, ReasoningTokens = 3 }, response.Usage);
        var request = Assert.Single(_server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v1/chat/completions", request.Path);
        Assert.Equal($"Bearer {ProviderHarness.TestApiKey}", request.Headers["Authorization"]);
    }

    [Fact]
    public async Task CompleteAsync_RequestSettings_AreSentAsTheSdkNamesThem()
    {
        _server.EnqueueCompletion();
        await using var harness = ProviderHarness.Create(o => o.Endpoint = _server.V1);
        var request = new TestCall([new ChatMessage(ChatRole.System, "Be brief."), new ChatMessage(ChatRole.User, "Hi"), new ChatMessage(ChatRole.Assistant, "Hello"), new ChatMessage(ChatRole.User, "Again")])
        {
            Model = "gpt-4o-mini",
            Temperature = 0.25,
            MaxTokens = 2148,
            AdditionalProperties = new Dictionary<string, string>
            {
                ["service_tier"] = "default",
                ["response_format"] = "json_object",
                ["seed"] = "42",
                ["top_p"] = "0.5",
                ["frequency_penalty"] = "0.1",
                ["presence_penalty"] = "-0.2",
                ["stop"] = "END",
                ["user"] = "user-7",
            },
        };

        await harness.Provider.CompleteAsync(request);

        var body = JsonNode.Parse(Assert.Single(_server.Requests).Body)!.AsObject();
        Assert.Equal("gpt-4o-mini", body["model"]!.GetValue<string>());
        Assert.Equal(0.25, body["temperature"]!.GetValue<double>(), 5);
        Assert.Equal(2148, body["max_completion_tokens"]!.GetValue<int>());
        Assert.False(body.ContainsKey("max_tokens"));
        Assert.Equal("default", body["service_tier"]!.GetValue<string>());
        Assert.Equal("json_object", body["response_format"]!["type"]!.GetValue<string>());
        Assert.Equal(42, body["seed"]!.GetValue<long>());
        Assert.Equal(0.5, body["top_p"]!.GetValue<double>(), 5);
        Assert.Equal(0.1, body["frequency_penalty"]!.GetValue<double>(), 5);
        Assert.Equal(-0.2, body["presence_penalty"]!.GetValue<double>(), 5);
        Assert.Equal(["END"], body["stop"]!.AsArray().Select(static s => s!.GetValue<string>()));
        Assert.Equal("user-7", body["user"]!.GetValue<string>());
        Assert.Equal(
            ["system:Be brief.", "user:Hi", "assistant:Hello", "user:Again"],
            body["messages"]!.AsArray().Select(static m => $"{m!["role"]}:{m["content"]}"));
    }

    [Fact]
    public async Task CompleteAsync_ReasoningModel_SendsMaxCompletionTokensAndReasoningEffortButNoSamplingParameters()
    {
        // Changed with the IChatClient provider: reasoning models (o1, o3, o4, gpt-5) reject temperature, top_p and the
        // penalties, so they are no longer sent to them (logged at Debug instead).
        _server.EnqueueCompletion();
        await using var harness = ProviderHarness.Create(o => o.Endpoint = _server.V1);
        var request = new TestCall("Hi")
        {
            Model = "o3-mini",
            Temperature = 0.25,
            MaxTokens = 2148,
            AdditionalProperties = new Dictionary<string, string> { ["reasoning_effort"] = "low", ["top_p"] = "0.5" },
        };

        await harness.Provider.CompleteAsync(request);

        var body = JsonNode.Parse(Assert.Single(_server.Requests).Body)!.AsObject();
        Assert.Equal(["max_completion_tokens", "messages", "model", "reasoning_effort"], body.Select(static p => p.Key).Order());
        Assert.Equal(2148, body["max_completion_tokens"]!.GetValue<int>());
        Assert.Equal("low", body["reasoning_effort"]!.GetValue<string>());
        var dropped = Assert.Single(harness.Logs.GetSnapshot(), static r => r.Id.Id == 3008);
        Assert.Equal(LogLevel.Debug, dropped.Level);
        Assert.Contains("temperature, top_p", dropped.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CompleteAsync_NullTemperatureAndMaxTokens_OmitsThem()
    {
        _server.EnqueueCompletion();
        await using var harness = ProviderHarness.Create(o => o.Endpoint = _server.V1);

        await harness.Provider.CompleteAsync(new TestCall("Hi") { Temperature = null, MaxTokens = null });

        var body = JsonNode.Parse(Assert.Single(_server.Requests).Body)!.AsObject();
        Assert.Equal(["messages", "model"], body.Select(static p => p.Key).Order());
    }

    [Fact]
    public async Task CompleteAsync_OrganizationAndProject_SendsTheirHeaders()
    {
        _server.EnqueueCompletion();
        await using var harness = ProviderHarness.Create(o =>
        {
            o.Endpoint = _server.V1;
            o.Organization = "org-123";
            o.Project = "proj_456";
        });

        await harness.Provider.CompleteAsync(new TestCall("Hi"));

        var request = Assert.Single(_server.Requests);
        Assert.Equal("org-123", request.Headers["OpenAI-Organization"]);
        Assert.Equal("proj_456", request.Headers["OpenAI-Project"]);
    }

    [Fact]
    public async Task CompleteAsync_EmptyModelWithDefaultModel_UsesDefaultModel()
    {
        _server.EnqueueCompletion();
        await using var harness = ProviderHarness.Create(o =>
        {
            o.Endpoint = _server.V1;
            o.DefaultModel = "llama-3.2-3b-instruct";
        });

        await harness.Provider.CompleteAsync(new TestCall("Hi") { Model = "" });

        Assert.Equal("llama-3.2-3b-instruct", JsonNode.Parse(Assert.Single(_server.Requests).Body)!["model"]!.GetValue<string>());
    }

    [Fact]
    public async Task CompleteAsync_EmptyModelWithoutDefault_ThrowsProviderExceptionNamingTheSetting()
    {
        await using var harness = ProviderHarness.Create(o => o.Endpoint = _server.V1);

        var error = await Assert.ThrowsAsync<ProviderException>(() => harness.Provider.CompleteAsync(new TestCall("Hi") { Model = " " }));

        Assert.Equal(
            "The request to provider 'openai' names no model and GenAiWorkflows:Providers:openai:DefaultModel is not set. " +
            "Set the step's model, GenAiWorkflows:DefaultModel, or " + EnvironmentVariableNames.Describe("GenAiWorkflows:Providers:openai:DefaultModel") + ".",
            error.Message);
        Assert.Equal(0, _server.RequestCount);
    }

    [Fact]
    public async Task CompleteAsync_AzureApiType_UsesDeploymentPathApiVersionAndApiKeyHeader()
    {
        // Also proves that the pinned Azure.AI.OpenAI works at run time against OpenAI 2.15.0.
        _server.EnqueueCompletion("from azure");
        await using var harness = ProviderHarness.Create(o =>
        {
            o.Endpoint = _server.BaseAddress;
            o.ApiType = "Azure";
            o.Deployment = "wf-gpt-4o-mini";
            o.ApiVersion = "2024-10-21";
        });

        var response = await harness.Provider.CompleteAsync(new TestCall("Hi") { MaxTokens = 50 });

        Assert.Equal("from azure", response.Content);
        Assert.Equal("azure.ai.openai", harness.Provider.SystemName());
        Assert.Equal(_server.BaseAddress, harness.Provider.Endpoint());
        var request = Assert.Single(_server.Requests);
        Assert.Equal("/openai/deployments/wf-gpt-4o-mini/chat/completions", request.Path);
        Assert.Equal("?api-version=2024-10-21", request.Query);
        Assert.Equal(ProviderHarness.TestApiKey, request.Headers["api-key"]);
        Assert.False(request.Headers.ContainsKey("Authorization"));
        Assert.Equal(50, JsonNode.Parse(request.Body)!["max_tokens"]!.GetValue<int>());
    }

    [Fact]
    public async Task CompleteAsync_AzureReasoningRequest_SendsMaxCompletionTokens()
    {
        _server.EnqueueCompletion();
        await using var harness = ProviderHarness.Create(o =>
        {
            o.Endpoint = _server.BaseAddress;
            o.ApiType = "Azure";
        });

        await harness.Provider.CompleteAsync(new TestCall("Hi")
        {
            Model = "my-o3-mini",
            MaxTokens = 300,
            AdditionalProperties = new Dictionary<string, string> { ["reasoning_effort"] = "low" },
        });

        var request = Assert.Single(_server.Requests);
        Assert.Equal("/openai/deployments/my-o3-mini/chat/completions", request.Path);
        var body = JsonNode.Parse(request.Body)!.AsObject();
        Assert.Equal(300, body["max_completion_tokens"]!.GetValue<int>());
        Assert.False(body.ContainsKey("max_tokens"));
    }

    [Fact]
    public async Task SystemNameAndEndpoint_OpenAIDefaults_AreOpenAIAndApiOpenAIComV1()
    {
        await using var harness = ProviderHarness.Create(static _ => { });

        Assert.Equal("openai", harness.Provider.SystemName());
        Assert.Equal(new Uri("https://api.openai.com/v1"), harness.Provider.Endpoint());
    }

    [Fact]
    public async Task CompleteAsync_CompatibleServer_PostsToItsBaseUrl()
    {
        _server.EnqueueCompletion("local answer");
        await using var harness = ProviderHarness.Create(o => o.Endpoint = new Uri(_server.BaseAddress, "engines/llama/v1"));

        var response = await harness.Provider.CompleteAsync(new TestCall("Hi") { Model = "llama-3.2-3b-instruct" });

        Assert.Equal("local answer", response.Content);
        Assert.Equal("/engines/llama/v1/chat/completions", Assert.Single(_server.Requests).Path);
    }

    [Fact]
    public async Task CompleteAsync_SuccessfulCall_LogsModelSettingsLatencyFinishReasonAndRateLimitHeaders()
    {
        _server.EnqueueCompletion("Hi", ("x-request-id", "req_123"), ("x-ratelimit-limit-requests", "30000"),
            ("x-ratelimit-remaining-requests", "29999"), ("x-ratelimit-reset-requests", "2ms"), ("x-ratelimit-limit-tokens", "150000000"),
            ("x-ratelimit-remaining-tokens", "149999992"), ("x-ratelimit-reset-tokens", "0s"));
        await using var harness = ProviderHarness.Create(o => o.Endpoint = _server.V1);

        await harness.Provider.CompleteAsync(new TestCall("Hi") { Temperature = 0.3, MaxTokens = 77 });

        var record = Assert.Single(harness.Logs.GetSnapshot(), static r => r.Id.Id == 3001);
        Assert.Equal(LogLevel.Debug, record.Level);
        var state = record.StructuredState!.ToDictionary(static p => p.Key, static p => p.Value);
        Assert.Equal("gpt-4o-mini", state["Model"]);
        Assert.Equal("gpt-4o-mini-2024-07-18", state["ResponseModel"]);
        Assert.Equal("0.3", state["Temperature"]);
        Assert.Equal("77", state["MaxTokens"]);
        Assert.True(double.Parse(state["LatencyMs"]!, System.Globalization.CultureInfo.InvariantCulture) >= 0);
        Assert.Equal("stop", state["FinishReason"]);
        Assert.Equal("req_123", state["RequestId"]);
        Assert.Equal("29999", state["RateLimitRemainingRequests"]);
        Assert.Equal("30000", state["RateLimitLimitRequests"]);
        Assert.Equal("2ms", state["RateLimitResetRequests"]);
        Assert.Equal("149999992", state["RateLimitRemainingTokens"]);
        Assert.Equal("150000000", state["RateLimitLimitTokens"]);
        Assert.Equal("0s", state["RateLimitResetTokens"]);
    }

    [Fact]
    public async Task CompleteAsync_PromptAndCompletionText_AreTraceEventsWhoseTextOnlyARedactorReleases()
    {
        _server.EnqueueCompletion("secret completion text").EnqueueCompletion("secret completion text");
        await using (var trace = ProviderHarness.Create(o => o.Endpoint = _server.V1, minimumLevel: LogLevel.Trace))
        {
            await trace.Provider.CompleteAsync(new TestCall("secret prompt text"));
            var textRecords = trace.Logs.GetSnapshot().Where(static r => r.Id.Id is 3003 or 3004).ToList();
            Assert.Equal([3003, 3004], textRecords.Select(static r => r.Id.Id).Order());
            Assert.All(textRecords, static r => Assert.Equal(LogLevel.Trace, r.Level));

            // Prompt and completion are GenAiWorkflows:UserContent: without EnableRedaction (AddGenAiWorkflowsRedaction) no sink gets them.
            Assert.DoesNotContain("secret", trace.AllLogText(), StringComparison.Ordinal);
        }

        await using var debug = ProviderHarness.Create(o => o.Endpoint = _server.V1, minimumLevel: LogLevel.Debug);
        await debug.Provider.CompleteAsync(new TestCall("secret prompt text"));
        Assert.Contains(debug.Logs.GetSnapshot(), static r => r.Id.Id == 3001);
        Assert.DoesNotContain(debug.Logs.GetSnapshot(), static r => r.Id.Id is 3003 or 3004);
    }

    [Fact]
    public async Task CompleteAsync_ServerEchoesTheApiKey_KeyAppearsInNoMessageOrLog()
    {
        _server.EnqueueJson(401, $$$"""{"error":{"message":"Incorrect API key provided: {{{ProviderHarness.TestApiKey}}}.","type":"invalid_request_error","code":"invalid_api_key"}}""");
        await using var harness = ProviderHarness.Create(o => o.Endpoint = _server.V1);

        var error = await Assert.ThrowsAsync<ProviderAuthException>(() => harness.Provider.CompleteAsync(new TestCall("Hi")));

        // Changed with the IChatClient provider: no SDK exception quoting the raw body is attached any more, so the key is
        // in no part of the exception (inner exceptions included) and in no log record, not even inside a logged exception.
        Assert.DoesNotContain(ProviderHarness.TestApiKey, error.ToString(), StringComparison.Ordinal);
        Assert.Contains("Incorrect API key provided: ***.", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(ProviderHarness.TestApiKey, harness.AllLogText(), StringComparison.Ordinal);
        Assert.Contains(harness.Logs.GetSnapshot(), static r => r.Id.Id == 3002);
    }

    [Fact]
    public async Task Lifecycle_InitializeAndCleanupThroughTheRegistry_RunOnceAndLog()
    {
        await using var harness = ProviderHarness.Create(o => o.Endpoint = _server.V1);
        var registry = harness.Services.GetRequiredService<ProviderRegistry>();

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => registry.GetInitializedAsync("openai")));
        await registry.CleanupAsync();

        Assert.Single(harness.Logs.GetSnapshot(), static r => r.Id.Id == 3005);
        Assert.Single(harness.Logs.GetSnapshot(), static r => r.Id.Id == 3006);
        await Assert.ThrowsAsync<PluginException>(() => registry.GetInitializedAsync("openai"));
    }

    [Fact]
    public async Task CompleteAsync_ManyConcurrentCalls_AllAnswerCorrectlyAndReuseConnections()
    {
        _server.Fallback = static context =>
        {
            var prompt = JsonNode.Parse(ScriptedServer.Current(context).Body)!["messages"]![0]!["content"]!.GetValue<string>();
            return ScriptedServer.Respond(context, 200, ScriptedServer.Completion("echo " + prompt));
        };
        await using var harness = ProviderHarness.Create(o => o.Endpoint = _server.V1);

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal($"echo warmup {i}", (await harness.Provider.CompleteAsync(new TestCall($"warmup {i}"))).Content);
        }

        var responses = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => harness.Provider.CompleteAsync(new TestCall($"call {i}"))));

        Assert.Equal(Enumerable.Range(0, 40).Select(static i => $"echo call {i}"), responses.Select(static r => r.Content));
        Assert.Single(_server.Requests.Take(5).Select(static r => r.ConnectionId).Distinct());
        Assert.Equal(45, _server.RequestCount);
    }
}
