using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Workflows.Providers.OpenAI.Tests;

/// <summary>
/// Replays the real OpenAI sessions recorded by openai-dotnet (shared/fixtures/openai-recordings): each recorded reply is
/// served for the recorded request, the provider's request body must equal the recorded one, and the reply must be read
/// exactly, through the provider's <see cref="IChatClient"/> as the registry holds it, both as tests describe a call and as
/// Microsoft.Extensions.AI messages (which also replays the streaming recording).
/// </summary>
public sealed class RecordedSessionReplayTests : IAsyncLifetime
{
    private static readonly Lazy<string> RecordingsDirectory = new(() => Path.Combine(RepoPaths.SharedFixtures, "openai-recordings"));
    private static readonly Lazy<OpenApiRequestSchema> Schema = new(() => OpenApiRequestSchema.Load(Path.Combine(RepoPaths.SharedFixtures, "openai-openapi", "openapi.json")));

    private ScriptedServer _server = null!;

    public static TheoryData<string> NonStreamingRecordings()
    {
        var data = new TheoryData<string>();
        if (RepoPaths.SharedFixturesSkipReason is not null)
        {
            return data; // the theory is skipped; nothing to enumerate
        }

        foreach (var name in AllRecordings().Where(static n => !IsStreaming(n)))
        {
            data.Add(name);
        }

        return data;
    }

    public async Task InitializeAsync() => _server = await ScriptedServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [SharedFixtureFact]
    public void Recordings_EightSessionsOneOfThemStreaming_AreAllReplayed()
    {
        var all = AllRecordings();

        Assert.Equal(9 - 1, all.Count); // the folder also holds SOURCE.txt
        Assert.Equal(["StreamingStructuredRefusalWorks.json"], all.Where(IsStreaming));
        Assert.Contains("AuthFailure.json", all);
    }

    [SharedFixtureTheory]
    [MemberData(nameof(NonStreamingRecordings))]
    public async Task GetResponseAsync_RecordedSession_SendsTheRecordedBodyAndReadsTheReplyExactly(string recordingName)
    {
        var entries = Load(recordingName);
        foreach (var entry in entries)
        {
            _server.EnqueueJson(entry.StatusCode, entry.ResponseBody.ToJsonString(), entry.ServedHeaders);
        }

        await using var harness = ProviderHarness.Create(o => o.Endpoint = _server.V1);
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            var (messages, options) = ToChatRequest(entry.RequestBody);

            if (entry.StatusCode == 401)
            {
                var error = await Assert.ThrowsAsync<ProviderAuthException>(() => harness.ChatClient.GetResponseAsync(messages, options));
                var recorded = entry.ResponseBody["error"]!;
                Assert.Contains(recorded["message"]!.GetValue<string>(), error.Message, StringComparison.Ordinal);
                Assert.Equal(recorded["code"]!.GetValue<string>(), error.ErrorCode);
                Assert.Equal("Sanitized", error.RequestId);
                Assert.Equal(1, error.Attempts);
            }
            else
            {
                var response = await harness.ChatClient.GetResponseAsync(messages, options);
                var body = entry.ResponseBody;
                var choice = body["choices"]![0]!;
                var usage = body["usage"]!;
                Assert.Equal(choice["message"]!["content"]!.GetValue<string>(), response.Text);
                Assert.Equal(choice["finish_reason"]!.GetValue<string>(), response.FinishReason?.Value);
                Assert.Equal(body["model"]!.GetValue<string>(), response.ModelId);
                Assert.Equal(body["id"]!.GetValue<string>(), response.ResponseId);
                Assert.Equal(usage["prompt_tokens"]!.GetValue<long>(), response.Usage!.InputTokenCount);
                Assert.Equal(usage["completion_tokens"]!.GetValue<long>(), response.Usage.OutputTokenCount);
                Assert.Equal(usage["total_tokens"]!.GetValue<long>(), response.Usage.TotalTokenCount);
                Assert.Equal(usage["prompt_tokens_details"]!["cached_tokens"]!.GetValue<long>(), response.Usage.CachedInputTokenCount);
                Assert.Equal(usage["completion_tokens_details"]!["reasoning_tokens"]!.GetValue<long>(), response.Usage.ReasoningTokenCount);
            }

            var sent = JsonNode.Parse(_server.Requests[i].Body)!.AsObject();
            AssertSameBody(entry.RequestBody, sent, recordingName);
            Schema.Value.AssertValid(sent);
        }

        Assert.Equal(entries.Count, _server.RequestCount);
    }

    [SharedFixtureFact]
    public async Task GetStreamingResponseAsync_StreamingStructuredRefusalWorks_SendsTheRecordedBodyAndReadsEveryChunk()
    {
        const string Name = "StreamingStructuredRefusalWorks.json";
        var entry = Assert.Single(Load(Name));
        var events = entry.ResponseBody.AsArray().Select(static e => e!.GetValue<string>()).ToList();
        _server.EnqueueRawStream(events, entry.ServedHeaders);
        await using var harness = ProviderHarness.Create(o => o.Endpoint = _server.V1);
        var (messages, options) = ToChatRequest(entry.RequestBody);

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in harness.ChatClient.GetStreamingResponseAsync(messages, options))
        {
            updates.Add(update);
        }

        var sent = JsonNode.Parse(Assert.Single(_server.Requests).Body)!.AsObject();
        AssertSameBody(entry.RequestBody, sent, Name);
        Schema.Value.AssertValid(sent);

        // What the recording holds: the model declined in plain content ("refusal": null in every delta), so the reply is
        // that text, and no ErrorContent "Refusal" is invented. A refusal sent in the refusal field comes out as
        // ErrorContent "Refusal" (OpenAIModelChatClientTests.GetStreamingResponseAsync_Refusal_ComesOutAsErrorContentRefusal).
        var chunks = events.Where(static e => !e.StartsWith("data: [DONE]", StringComparison.Ordinal))
            .Select(static e => JsonNode.Parse(e["data: ".Length..])!).ToList();
        var expectedText = string.Concat(chunks.SelectMany(static c => c["choices"]!.AsArray())
            .Select(static c => c!["delta"]?["content"]?.GetValue<string>()));
        var refusals = chunks.SelectMany(static c => c["choices"]!.AsArray()).Select(static c => c!["delta"]?["refusal"]).Where(static r => r is not null).ToList();
        var response = updates.ToChatResponse();
        Assert.Equal("I'm sorry, I can't assist with that request.", expectedText);
        Assert.Equal(expectedText, response.Text);
        Assert.Empty(refusals);
        Assert.DoesNotContain(updates.SelectMany(static u => u.Contents), static c => c is ErrorContent);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.Equal("gpt-4o-2024-08-06", response.ModelId);
        Assert.Equal("chatcmpl-D8dV4fIhj9EeF5vu9iDuZYuG5qp3o", response.ResponseId);
        var usage = chunks.Last(static c => c["usage"] is JsonObject)["usage"]!;
        Assert.Single(updates.SelectMany(static u => u.Contents).OfType<UsageContent>());
        Assert.Equal(usage["prompt_tokens"]!.GetValue<long>(), response.Usage!.InputTokenCount);
        Assert.Equal(usage["completion_tokens"]!.GetValue<long>(), response.Usage.OutputTokenCount);
        Assert.Equal(usage["total_tokens"]!.GetValue<long>(), response.Usage.TotalTokenCount);
    }

    [SharedFixtureTheory]
    [MemberData(nameof(NonStreamingRecordings))]
    public async Task CompleteAsync_RecordedSession_SendsTheRecordedBodyAndReadsTheReplyExactly(string recordingName)
    {
        var entries = Load(recordingName);
        foreach (var entry in entries)
        {
            _server.EnqueueJson(entry.StatusCode, entry.ResponseBody.ToJsonString(), entry.ServedHeaders);
        }

        await using var harness = ProviderHarness.Create(o => o.Endpoint = _server.V1);
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            var request = ToTestCall(entry.RequestBody);

            if (entry.StatusCode == 401)
            {
                var error = await Assert.ThrowsAsync<ProviderAuthException>(() => harness.Provider.CompleteAsync(request));
                var recorded = entry.ResponseBody["error"]!;
                Assert.Contains(recorded["message"]!.GetValue<string>(), error.Message, StringComparison.Ordinal);
                Assert.Equal(recorded["code"]!.GetValue<string>(), error.ErrorCode);
                Assert.Equal(System.Net.HttpStatusCode.Unauthorized, error.StatusCode);
                Assert.Equal("Sanitized", error.RequestId);
            }
            else
            {
                var response = await harness.Provider.CompleteAsync(request);
                var body = entry.ResponseBody;
                var choice = body["choices"]![0]!;
                var usage = body["usage"]!;
                Assert.Equal(choice["message"]!["content"]!.GetValue<string>(), response.Content);
                Assert.Equal(choice["finish_reason"]!.GetValue<string>(), response.FinishReason);
                Assert.Equal(body["model"]!.GetValue<string>(), response.Model);
                Assert.Equal(body["id"]!.GetValue<string>(), response.ResponseId);
                Assert.Equal(usage["prompt_tokens"]!.GetValue<long>(), response.Usage.InputTokens);
                Assert.Equal(usage["completion_tokens"]!.GetValue<long>(), response.Usage.OutputTokens);
                Assert.Equal(usage["total_tokens"]!.GetValue<long>(), response.Usage.TotalTokens);
                Assert.Equal(usage["prompt_tokens_details"]!["cached_tokens"]!.GetValue<long>(), response.Usage.CachedInputTokens);
                Assert.Equal(usage["completion_tokens_details"]!["reasoning_tokens"]!.GetValue<long>(), response.Usage.ReasoningTokens);
            }

            var sent = JsonNode.Parse(_server.Requests[i].Body)!.AsObject();
            AssertSameBody(entry.RequestBody, sent, recordingName);
            Assert.Equal("/v1/chat/completions", _server.Requests[i].Path);
            Schema.Value.AssertValid(sent);
        }

        Assert.Equal(entries.Count, _server.RequestCount);
    }

    [SharedFixtureFact]
    public void Schema_BodyWithUndeclaredProperty_IsRejected()
    {
        var body = JsonNode.Parse("""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hi"}],"max_tokenz":5}""")!.AsObject();

        var error = Assert.ThrowsAny<Exception>(() => Schema.Value.AssertValid(body));

        Assert.Contains("max_tokenz", error.Message, StringComparison.Ordinal);
    }

    [SharedFixtureFact]
    public void Schema_BodyWithoutMessages_IsRejected()
    {
        var body = JsonNode.Parse("""{"model":"gpt-4o-mini"}""")!.AsObject();

        var error = Assert.ThrowsAny<Exception>(() => Schema.Value.AssertValid(body));

        Assert.Contains("messages", error.Message, StringComparison.Ordinal);
    }

    private static void AssertSameBody(JsonObject recorded, JsonObject sent, string recordingName)
    {
        foreach (var (key, value) in sent)
        {
            Assert.True(recorded.ContainsKey(key), $"{recordingName}: the provider sent '{key}', which the recorded request does not have.");
            Assert.True(JsonNode.DeepEquals(recorded[key], value), $"{recordingName}: '{key}' differs: recorded {recorded[key]?.ToJsonString()}, sent {value?.ToJsonString()}.");
        }

        Assert.Equal(recorded.Select(static p => p.Key).Order(), sent.Select(static p => p.Key).Order());
    }

    private static TestCall ToTestCall(JsonObject body)
    {
        var messages = body["messages"]!.AsArray().Select(static m => new ChatMessage(
            m!["role"]!.GetValue<string>() switch
            {
                "system" => ChatRole.System,
                "assistant" => ChatRole.Assistant,
                _ => ChatRole.User,
            },
            m["content"]!.GetValue<string>())).ToList();
        var additional = new Dictionary<string, string>();
        foreach (var key in new[] { "reasoning_effort", "service_tier" })
        {
            if (body[key] is { } value)
            {
                additional[key] = value.GetValue<string>();
            }
        }

        if (body["response_format"]?["type"] is { } format)
        {
            additional["response_format"] = format.GetValue<string>();
        }

        return new TestCall(messages)
        {
            Model = body["model"]!.GetValue<string>(),
            Temperature = body["temperature"]?.GetValue<double>(),
            MaxTokens = (body["max_completion_tokens"] ?? body["max_tokens"])?.GetValue<int>(),
            AdditionalProperties = additional,
        };
    }

    private static (List<Microsoft.Extensions.AI.ChatMessage> Messages, ChatOptions Options) ToChatRequest(JsonObject body)
    {
        var messages = body["messages"]!.AsArray().Select(static m => new Microsoft.Extensions.AI.ChatMessage(
            new ChatRole(m!["role"]!.GetValue<string>()), m["content"]!.GetValue<string>())).ToList();
        var options = new ChatOptions
        {
            ModelId = body["model"]!.GetValue<string>(),
            Temperature = body["temperature"] is { } temperature ? (float)temperature.GetValue<double>() : null,
            MaxOutputTokens = (body["max_completion_tokens"] ?? body["max_tokens"])?.GetValue<int>(),
            ResponseFormat = body["response_format"]?["type"]?.GetValue<string>() switch
            {
                "json_object" => ChatResponseFormat.Json,
                "text" => ChatResponseFormat.Text,
                _ => null,
            },
        };
        foreach (var key in new[] { "reasoning_effort", "service_tier" })
        {
            if (body[key] is { } value)
            {
                (options.AdditionalProperties ??= [])[key] = value.GetValue<string>();
            }
        }

        return (messages, options);
    }

    private static List<string> AllRecordings() =>
        [.. Directory.GetFiles(RecordingsDirectory.Value, "*.json").Select(static f => Path.GetFileName(f)).Order(StringComparer.Ordinal)];

    private static bool IsStreaming(string name) =>
        Load(name).Any(static e => e.RequestBody["stream"]?.GetValue<bool>() == true);

    private static List<RecordedEntry> Load(string name)
    {
        var root = JsonNode.Parse(File.ReadAllText(Path.Combine(RecordingsDirectory.Value, name)))!;
        return [.. root["Entries"]!.AsArray().Select(static e => new RecordedEntry(e!.AsObject()))];
    }

    private sealed class RecordedEntry(JsonObject entry)
    {
        private static readonly string[] Served = ["X-Request-ID", "x-ratelimit-limit-requests", "x-ratelimit-limit-tokens",
            "x-ratelimit-remaining-requests", "x-ratelimit-remaining-tokens", "x-ratelimit-reset-requests", "x-ratelimit-reset-tokens"];

        public JsonObject RequestBody { get; } = entry[nameof(RequestBody)]!.AsObject();

        public int StatusCode { get; } = entry[nameof(StatusCode)]!.GetValue<int>();

        public JsonNode ResponseBody { get; } = entry[nameof(ResponseBody)]!;

        public (string Name, string Value)[] ServedHeaders { get; } = [.. entry["ResponseHeaders"]!.AsObject()
            .Where(static h => Served.Contains(h.Key, StringComparer.OrdinalIgnoreCase) && h.Value is JsonValue)
            .Select(static h => (h.Key, h.Value!.GetValue<string>()))];
    }
}

/// <summary>The CreateChatCompletionRequest schema of OpenAI's OpenAPI description, enough to check what the provider sends.</summary>
internal sealed class OpenApiRequestSchema
{
    private readonly JsonObject _schemas;
    private readonly Dictionary<string, JsonObject> _properties;
    private readonly HashSet<string> _required;

    private OpenApiRequestSchema(JsonObject schemas)
    {
        _schemas = schemas;
        (_properties, _required) = Collect(schemas["CreateChatCompletionRequest"]!.AsObject());
    }

    public static OpenApiRequestSchema Load(string path) =>
        new(JsonNode.Parse(File.ReadAllText(path))!["components"]!["schemas"]!.AsObject());

    public void AssertValid(JsonObject body)
    {
        foreach (var required in _required)
        {
            Assert.True(body.ContainsKey(required), $"The request lacks the required property '{required}'.");
        }

        foreach (var (key, value) in body)
        {
            Assert.True(_properties.TryGetValue(key, out var schema), $"The request sends '{key}', which CreateChatCompletionRequest does not declare.");
            AssertType(key, Resolve(schema), value);
        }

        foreach (var message in body["messages"]!.AsArray())
        {
            var role = message!["role"]!.GetValue<string>();
            var variant = MessageVariants().FirstOrDefault(v => RoleEnum(v.Properties).Contains(role));
            Assert.True(variant.Properties is not null, $"No ChatCompletionRequestMessage variant has role '{role}'.");
            foreach (var required in variant.Required)
            {
                Assert.True(message.AsObject().ContainsKey(required), $"A '{role}' message lacks the required property '{required}'.");
            }

            foreach (var (key, _) in message.AsObject())
            {
                Assert.True(variant.Properties!.ContainsKey(key), $"A '{role}' message sends '{key}', which its schema does not declare.");
            }
        }
    }

    private IEnumerable<(Dictionary<string, JsonObject> Properties, HashSet<string> Required)> MessageVariants()
    {
        var union = Resolve(_schemas["ChatCompletionRequestMessage"]!.AsObject());
        foreach (var variant in (union["oneOf"] ?? union["anyOf"])!.AsArray())
        {
            yield return Collect(variant!.AsObject());
        }
    }

    private IEnumerable<string> RoleEnum(Dictionary<string, JsonObject> properties) =>
        properties.TryGetValue("role", out var role) && Resolve(role)["enum"] is JsonArray values
            ? values.Select(static v => v!.GetValue<string>())
            : [];

    private (Dictionary<string, JsonObject> Properties, HashSet<string> Required) Collect(JsonObject schema)
    {
        var properties = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        var required = new HashSet<string>(StringComparer.Ordinal);
        void Walk(JsonObject node)
        {
            node = Resolve(node);
            if (node["properties"] is JsonObject declared)
            {
                foreach (var (name, value) in declared)
                {
                    properties[name] = value!.AsObject();
                }
            }

            if (node["required"] is JsonArray names)
            {
                required.UnionWith(names.Select(static n => n!.GetValue<string>()));
            }

            if (node["allOf"] is JsonArray parts)
            {
                foreach (var part in parts)
                {
                    Walk(part!.AsObject());
                }
            }
        }

        Walk(schema);
        return (properties, required);
    }

    private JsonObject Resolve(JsonObject schema)
    {
        while (schema["$ref"] is JsonValue reference)
        {
            schema = _schemas[reference.GetValue<string>().Split('/')[^1]]!.AsObject();
        }

        return schema;
    }

    private static void AssertType(string key, JsonObject schema, JsonNode? value)
    {
        if (schema["type"] is not JsonValue type || value is null)
        {
            return;
        }

        var kind = value.GetValueKind();
        var ok = type.GetValue<string>() switch
        {
            "string" => kind == JsonValueKind.String,
            "integer" => kind == JsonValueKind.Number && value.ToJsonString().All(static c => char.IsDigit(c) || c == '-'),
            "number" => kind == JsonValueKind.Number,
            "boolean" => kind is JsonValueKind.True or JsonValueKind.False,
            "array" => kind == JsonValueKind.Array,
            "object" => kind == JsonValueKind.Object,
            _ => true,
        };
        Assert.True(ok, $"'{key}' is sent as {kind}, but the schema declares {type}.");
    }
}
