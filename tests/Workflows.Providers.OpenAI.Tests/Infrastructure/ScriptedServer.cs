using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Workflows.Providers.OpenAI.Tests;

/// <summary>One request the scripted server received.</summary>
public sealed record RecordedRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, string Body, string ConnectionId);

/// <summary>
/// A real Kestrel server on 127.0.0.1 (port chosen by the OS) that answers each request with the next scripted response
/// and records what it received.
/// </summary>
public sealed class ScriptedServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Func<HttpContext, Task>> _script = new();
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();

    private ScriptedServer(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    /// <summary>Gets the OpenAI-style base URI (<c>http://127.0.0.1:port/v1</c>).</summary>
    public Uri V1 => new(BaseAddress, "v1");

    /// <summary>Gets or sets what answers once the script is used up.</summary>
    public Func<HttpContext, Task> Fallback { get; set; } = static context => Respond(context, 500, """{"error":{"message":"The test script is used up.","code":"script_exhausted"}}""");

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    public int RequestCount => _requests.Count;

    public static async Task<ScriptedServer> StartAsync()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(static options => options.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        ScriptedServer? server = null;
        app.Run(context => server!.HandleAsync(context));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server = new ScriptedServer(app, new Uri(address.EndsWith('/') ? address : address + "/"));
        return server;
    }

    public ScriptedServer Enqueue(Func<HttpContext, Task> response)
    {
        _script.Enqueue(response);
        return this;
    }

    public ScriptedServer EnqueueJson(int status, string body, params (string Name, string Value)[] headers) =>
        Enqueue(context => Respond(context, status, body, headers));

    public ScriptedServer EnqueueCompletion(string content = "Hello!", params (string Name, string Value)[] headers) =>
        EnqueueJson(200, Completion(content), headers);

    /// <summary>An attempt that never answers (until the client gives up and aborts it).</summary>
    public ScriptedServer EnqueueHang() => Enqueue(static async context =>
    {
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            // The client timed out and aborted the request: what this script step waits for.
        }
    });

    /// <summary>A server-sent-events reply: each chunk is written and flushed as one <c>data:</c> event, then <c>data: [DONE]</c>.</summary>
    public ScriptedServer EnqueueStream(IEnumerable<string> chunks, params (string Name, string Value)[] headers) => Enqueue(async context =>
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/event-stream";
        foreach (var (name, value) in headers)
        {
            context.Response.Headers[name] = value;
        }

        foreach (var chunk in chunks)
        {
            await context.Response.WriteAsync($"data: {chunk}\n\n", Encoding.UTF8);
            await context.Response.Body.FlushAsync();
        }

        await context.Response.WriteAsync("data: [DONE]\n\n", Encoding.UTF8);
    });

    /// <summary>A server-sent-events reply written as recorded: each string (<c>"data: {...}\n\n"</c>) as it is, flushed.</summary>
    public ScriptedServer EnqueueRawStream(IEnumerable<string> events, params (string Name, string Value)[] headers) => Enqueue(async context =>
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/event-stream";
        foreach (var (name, value) in headers)
        {
            context.Response.Headers[name] = value;
        }

        foreach (var item in events)
        {
            await context.Response.WriteAsync(item, Encoding.UTF8);
            await context.Response.Body.FlushAsync();
        }
    });

    /// <summary>Headers and the first bytes of a JSON body (Content-Length says more), then the connection is reset.</summary>
    public ScriptedServer EnqueueResetMidBody() => Enqueue(static async context =>
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = 4096;
        await context.Response.WriteAsync("""{"id":"chatcmpl-cut","object":"chat.completion","choices":[{"index":0,""", Encoding.UTF8);
        await context.Response.Body.FlushAsync();
        await Task.Delay(50);
        context.Abort();
    });

    /// <summary>Headers and the first bytes of a JSON body, then nothing (until the client gives up and aborts).</summary>
    public ScriptedServer EnqueueStallAfterHeaders() => Enqueue(static async context =>
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = 4096;
        await context.Response.WriteAsync("""{"id":"chatcmpl-stall","object":"chat.completion",""", Encoding.UTF8);
        await context.Response.Body.FlushAsync();
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            // The client's attempt timeout ended the request: what this step waits for.
        }
    });

    public static string Completion(string content, string model = "gpt-4o-mini-2024-07-18", string finishReason = "stop") =>
        $$$"""
        {"id":"chatcmpl-test","object":"chat.completion","created":1770950813,"model":"{{{model}}}",
         "choices":[{"index":0,"message":{"role":"assistant","content":{{{System.Text.Json.JsonSerializer.Serialize(content)}}},"refusal":null},"finish_reason":"{{{finishReason}}}"}],
         "usage":{"prompt_tokens":11,"completion_tokens":9,"total_tokens":20,"prompt_tokens_details":{"cached_tokens":4},"completion_tokens_details":{"reasoning_tokens":3} } }
        """;

    /// <summary>One streamed chunk (<c>chat.completion.chunk</c>) with a content delta, a refusal delta or a finish reason.</summary>
    public static string Chunk(string? content = null, string? finishReason = null, string? refusal = null, string model = "gpt-4o-2024-08-06", bool role = false) =>
        System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["id"] = "chatcmpl-stream",
            ["object"] = "chat.completion.chunk",
            ["created"] = 1770950834,
            ["model"] = model,
            ["choices"] = new object[]
            {
                new Dictionary<string, object?>
                {
                    ["index"] = 0,
                    ["delta"] = new Dictionary<string, object?>(
                        (role ? [new("role", "assistant")] : Array.Empty<KeyValuePair<string, object?>>())
                        .Concat(content is null ? [] : [new("content", content)])
                        .Concat(refusal is null ? [] : [new KeyValuePair<string, object?>("refusal", refusal)])),
                    ["finish_reason"] = finishReason,
                },
            },
        });

    /// <summary>One streamed chunk with a tool call delta: the first names the call (id and function), later ones add arguments.</summary>
    public static string ToolCallChunk(string? id, string? name, string arguments) =>
        System.Text.Json.JsonSerializer.Serialize(new
        {
            id = "chatcmpl-stream",
            @object = "chat.completion.chunk",
            created = 1770950834,
            model = "gpt-4o-mini",
            choices = new[]
            {
                new
                {
                    index = 0,
                    delta = new { tool_calls = new[] { new { index = 0, id, type = id is null ? null : "function", function = new { name, arguments } } } },
                    finish_reason = (string?)null,
                },
            },
        });

    /// <summary>The last streamed chunk when usage was requested: no choices, the usage.</summary>
    public static string UsageChunk(int prompt = 26, int completion = 10) =>
        $$$"""{"id":"chatcmpl-stream","object":"chat.completion.chunk","created":1770950834,"model":"gpt-4o-2024-08-06","choices":[],"usage":{"prompt_tokens":{{{prompt}}},"completion_tokens":{{{completion}}},"total_tokens":{{{prompt + completion}}} } }""";

    public static async Task Respond(HttpContext context, int status, string body, params (string Name, string Value)[] headers)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        foreach (var (name, value) in headers)
        {
            context.Response.Headers[name] = value;
        }

        await context.Response.WriteAsync(body, Encoding.UTF8);
    }

    /// <summary>Gets the request being answered.</summary>
    public static RecordedRequest Current(HttpContext context) => (RecordedRequest)context.Items[typeof(RecordedRequest)]!;

    public async ValueTask DisposeAsync()
    {
        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(stopping.Token);
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var headers = context.Request.Headers.ToDictionary(static h => h.Key, static h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var recorded = new RecordedRequest(
            context.Request.Method, context.Request.Path.Value ?? string.Empty, context.Request.QueryString.Value ?? string.Empty,
            headers, body, context.Connection.Id);
        context.Items[typeof(RecordedRequest)] = recorded;
        _requests.Enqueue(recorded);
        var next = _script.TryDequeue(out var scripted) ? scripted : Fallback;
        await next(context);
    }
}
