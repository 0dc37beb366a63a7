using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Workflows.Providers.OpenAI.Tests;

/// <summary>
/// How a successful reply is made readable for the SDK before it reads it (<see cref="ChatCompletionReply"/>,
/// <see cref="FinishReasonEventStream"/>): only a finish reason the SDK does not know is replaced, the rest of the reply
/// passes as the server sent it, and a stream loses no byte.
/// </summary>
public sealed class ChatCompletionReplyTests
{
    private const string KnownReply = """
        {"id":"chatcmpl-1", "object":"chat.completion", "model":"gpt-4o-mini",
         "choices":[{"index":0,"message":{"role":"assistant","content":"Olá, café"},"finish_reason":"stop"}]}
        """;

    [Fact]
    public async Task NormalizeAsync_KnownFinishReason_LeavesTheReplyAsTheServerSentIt()
    {
        using var response = Reply(KnownReply);
        var content = response.Content;

        await ChatCompletionReply.NormalizeAsync(response, call: null, CancellationToken.None);

        Assert.Same(content, response.Content);
        Assert.Equal(KnownReply, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task NormalizeAsync_UnknownFinishReasons_ReplacesEveryChoiceAndKeepsContentTypeWithTheNewLength()
    {
        const string body = """
            {"id":"chatcmpl-2","object":"chat.completion","model":"llama",
             "choices":[{"index":0,"message":{"role":"assistant","content":"a"},"finish_reason":"eos"},
                        {"index":1,"message":{"role":"assistant","content":"b"},"finish_reason":"abort"}]}
            """;
        using var response = Reply(body);

        await ChatCompletionReply.NormalizeAsync(response, call: null, CancellationToken.None);

        var bytes = await response.Content.ReadAsByteArrayAsync();
        var choices = JsonNode.Parse(bytes)!["choices"]!.AsArray();
        Assert.Equal(["stop", "stop"], choices.Select(static c => c!["finish_reason"]!.GetValue<string>()));
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType.CharSet);
        Assert.Equal(bytes.Length, response.Content.Headers.ContentLength);
    }

    [Theory]
    [InlineData("""data: {"id":"c", "choices":[{"index":0,"delta":{"content":"café"},"finish_reason":null}]}""")]
    [InlineData("""data: {"id":"c", "choices":[{"index":0,"delta":{"content":"café"}}], "note":"no finish_reason here"}""")]
    [InlineData("""data: {"id":"c", "choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}""")]
    [InlineData("""data: {"id":"c", "choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}""")]
    [InlineData("""data: {"id":"c", "choices":[], "usage":{"prompt_tokens":1}, "finish_reason":"eos"}""")]
    [InlineData("""data: {"id":"c", "finish_reason":"eos"}""")]
    [InlineData("""data: not json "finish_reason":"eos" """)]
    [InlineData("""event: x "finish_reason":"eos" """)]
    public void NormalizeEventLine_NothingToReplace_ReturnsTheLineAsIs(string text)
    {
        var line = Encoding.UTF8.GetBytes(text + "\n");

        var result = ChatCompletionReply.NormalizeEventLine(line, call: null);

        Assert.Same(line, result);
    }

    [Theory]
    [InlineData("\r\n")]
    [InlineData("\n")]
    [InlineData("")]
    public void NormalizeEventLine_UnknownFinishReason_IsReplacedAndTheLineKeepsItsEnding(string ending)
    {
        var line = Encoding.UTF8.GetBytes("""data: {"id":"c","choices":[{"index":0,"delta":{},"finish_reason":"eos"}]}""" + ending);

        var result = Encoding.UTF8.GetString(ChatCompletionReply.NormalizeEventLine(line, call: null));

        Assert.Equal("""data: {"id":"c","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}""" + ending, result);
    }

    [Fact]
    public void NormalizeEventLine_TwoChoicesWithUnknownFinishReasons_ReplacesBoth()
    {
        var line = Encoding.UTF8.GetBytes(
            """data: {"choices":[{"index":0,"delta":{},"finish_reason":"eos"},{"index":1,"delta":{},"finish_reason":"abort"}]}""" + "\n");

        var result = JsonNode.Parse(Encoding.UTF8.GetString(ChatCompletionReply.NormalizeEventLine(line, call: null))["data: ".Length..])!;

        Assert.Equal(["stop", "stop"], result["choices"]!.AsArray().Select(static c => c!["finish_reason"]!.GetValue<string>()));
    }

    [Fact]
    public async Task FinishReasonEventStream_BodyNotEndingWithALineBreak_PassesEveryByteThroughAndEnds()
    {
        const string events =
            "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"},\"finish_reason\":null}]}\n\n" +
            "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"eos\"}]}\n\n" +
            "data: [DONE]";
        await using var stream = new FinishReasonEventStream(new MemoryStream(Encoding.UTF8.GetBytes(events)), call: null);

        // Read in small pieces, a bounded number of times: a stream that repeats its end must not hang the test.
        var output = new MemoryStream();
        var buffer = new byte[16];
        var reads = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0 && ++reads < 1000)
        {
            output.Write(buffer, 0, read);
        }

        Assert.Equal(events.Replace("\"eos\"", "\"stop\"", StringComparison.Ordinal), Encoding.UTF8.GetString(output.ToArray()));
        Assert.Equal(0, read);
        Assert.Equal(0, await stream.ReadAsync(buffer));
    }

    [Fact]
    public void FinishReasonEventStream_Stream_IsReadOnlyAndForwardOnly()
    {
        using var stream = new FinishReasonEventStream(new MemoryStream(), call: null);

        Assert.True(stream.CanRead);
        Assert.False(stream.CanWrite);
        Assert.False(stream.CanSeek);
        Assert.Throws<NotSupportedException>(() => stream.Write([1], 0, 1));
        Assert.Throws<NotSupportedException>(() => stream.Seek(0, SeekOrigin.Begin));
    }

    [Fact]
    public void FinishReasonEventStream_Dispose_DisposesTheBodyItReads()
    {
        var body = new MemoryStream(Encoding.UTF8.GetBytes("data: [DONE]\n\n"));
        var stream = new FinishReasonEventStream(body, call: null);

        stream.Dispose();

        Assert.False(body.CanRead); // a disposed network stream gives its connection back
    }

    private static HttpResponseMessage Reply(string body) => new(HttpStatusCode.OK)
    {
        Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" }),
    };
}
