using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Workflows.Providers.OpenAI;

/// <summary>
/// Checks a successful chat completion reply before the SDK reads it, and replaces a finish reason the SDK cannot read.
/// </summary>
/// <remarks>
/// The OpenAI SDK throws on a <c>finish_reason</c> it does not know (llama.cpp and vLLM send <c>eos</c> or <c>abort</c>) and
/// on a missing one, which would reject an otherwise good reply. Such a value is replaced by <c>stop</c> for the SDK; the
/// original is kept on the <see cref="ProviderCall"/> and comes out as the response's finish reason and
/// <c>AdditionalProperties["finish_reason"]</c>. In a stream a <see langword="null"/> finish reason is normal (every chunk
/// but the last) and is left alone.
/// </remarks>
internal static class ChatCompletionReply
{
    public const string ReplacementFinishReason = "stop";

    private static readonly HashSet<string> KnownFinishReasons = new(StringComparer.Ordinal)
    {
        "stop", "length", "content_filter", "tool_calls", "function_call",
    };

    public static bool IsEventStream(HttpResponseMessage response) =>
        string.Equals(response.Content.Headers.ContentType?.MediaType, "text/event-stream", StringComparison.OrdinalIgnoreCase);

    /// <summary>Checks a buffered reply; replaces its content when a finish reason had to be replaced.</summary>
    /// <exception cref="MalformedReplyException">The body is not a chat completion.</exception>
    public static async Task NormalizeAsync(HttpResponseMessage response, ProviderCall? call, CancellationToken cancellationToken)
    {
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var status = (int)response.StatusCode;
        if (bytes.Length == 0 || bytes.AsSpan().Trim(" \t\r\n"u8).IsEmpty)
        {
            throw new MalformedReplyException("the body is empty", status, call?.RequestId);
        }

        JsonNode? root;
        try
        {
            root = JsonNode.Parse(bytes);
        }
        catch (JsonException ex)
        {
            throw new MalformedReplyException(
                $"the body is not JSON ({Describe(response, bytes)}; {ex.Message})", status, call?.RequestId);
        }

        var problem = root switch
        {
            not JsonObject => $"the body is a JSON {root?.GetValueKind().ToString() ?? "null"}, not an object",
            JsonObject o when o["choices"] is not JsonArray => "it has no 'choices' array",
            JsonObject o when o["choices"]!.AsArray().Count == 0 => "its 'choices' array is empty",
            JsonObject o when (o["choices"]![0] as JsonObject)?["message"] is not JsonObject => "its first choice has no 'message' object",
            _ => null,
        };
        if (problem is not null)
        {
            throw new MalformedReplyException(problem, status, call?.RequestId);
        }

        var changed = false;
        foreach (var choice in root!["choices"]!.AsArray().OfType<JsonObject>())
        {
            changed |= ReplaceFinishReason(choice, call, nullIsNormal: false);
        }

        if (changed)
        {
            Replace(response, new ByteArrayContent(Encoding.UTF8.GetBytes(root.ToJsonString())));
        }
    }

    /// <summary>Wraps a streaming body so that each event's unknown finish reason is replaced as it passes.</summary>
    public static async Task NormalizeStreamAsync(HttpResponseMessage response, ProviderCall? call, CancellationToken cancellationToken)
    {
        var inner = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        Replace(response, new StreamContent(new FinishReasonEventStream(inner, call)));
    }

    /// <summary>Rewrites one <c>data:</c> line of an event stream when it carries an unknown finish reason; else returns it as is.</summary>
    public static byte[] NormalizeEventLine(byte[] line, ProviderCall? call)
    {
        var span = line.AsSpan();
        if (!span.StartsWith("data:"u8) || span.IndexOf("\"finish_reason\""u8) < 0)
        {
            return line;
        }

        var payload = span["data:"u8.Length..].Trim(" \t\r\n"u8);
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(payload.ToArray());
        }
        catch (JsonException)
        {
            return line; // not ours to judge here: the SDK reports what it cannot read
        }

        var choices = node?["choices"] as JsonArray;
        if (choices is null)
        {
            return line;
        }

        var changed = false;
        foreach (var choice in choices.OfType<JsonObject>())
        {
            changed |= ReplaceFinishReason(choice, call, nullIsNormal: true);
        }

        if (!changed)
        {
            return line;
        }

        var ending = line.AsSpan().EndsWith("\r\n"u8) ? "\r\n" : line.AsSpan().EndsWith("\n"u8) ? "\n" : string.Empty;
        return Encoding.UTF8.GetBytes("data: " + node!.ToJsonString() + ending);
    }

    private static bool ReplaceFinishReason(JsonObject choice, ProviderCall? call, bool nullIsNormal)
    {
        // Missing and JSON null both come out as a null node.
        var value = choice["finish_reason"];
        var text = value?.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
        if (text is not null && KnownFinishReasons.Contains(text))
        {
            return false;
        }

        if (value is null && nullIsNormal)
        {
            return false;
        }

        call?.FinishReasonWasReplaced(text ?? value?.ToJsonString());
        choice["finish_reason"] = ReplacementFinishReason;
        return true;
    }

    private static string Describe(HttpResponseMessage response, byte[] bytes)
    {
        var type = response.Content.Headers.ContentType?.MediaType ?? "no content type";
        var start = Encoding.UTF8.GetString(bytes, 0, Math.Min(bytes.Length, 80)).ReplaceLineEndings(" ").Trim();
        return $"{type}, starting '{start}'";
    }

    private static void Replace(HttpResponseMessage response, HttpContent content)
    {
        foreach (var header in response.Content.Headers)
        {
            if (!string.Equals(header.Key, "Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                content.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        var old = response.Content;
        response.Content = content;
        if (content is ByteArrayContent)
        {
            old.Dispose();
        }
    }
}
