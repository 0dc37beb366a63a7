using System.Globalization;
using Microsoft.Extensions.AI;

namespace Workflows.Providers.OpenAI.Tests;

/// <summary>
/// A compact way for tests to describe one chat call (prompt, model, sampling settings, OpenAI request settings by their
/// wire names) and read its reply, sent through the provider's real <see cref="IChatClient"/>.
/// </summary>
internal sealed record TestCall
{
    public TestCall(string prompt)
    {
        Messages = [new ChatMessage(ChatRole.User, prompt)];
    }

    public TestCall(IReadOnlyList<ChatMessage> messages)
    {
        Messages = messages;
    }

    public IReadOnlyList<ChatMessage> Messages { get; }

    public string? Model { get; init; } = "gpt-4o-mini";

    public double? Temperature { get; init; } = 0.7;

    public int? MaxTokens { get; init; } = 1024;

    public IReadOnlyDictionary<string, string> AdditionalProperties { get; init; } = new Dictionary<string, string>();

    public ChatOptions ToChatOptions()
    {
        var options = new ChatOptions
        {
            ModelId = string.IsNullOrWhiteSpace(Model) ? null : Model,
            Temperature = Temperature is { } temperature ? (float)temperature : null,
            MaxOutputTokens = MaxTokens,
        };
        foreach (var (key, value) in AdditionalProperties)
        {
            switch (key)
            {
                case "response_format":
                    options.ResponseFormat = value == "json_object" ? ChatResponseFormat.Json : ChatResponseFormat.Text;
                    break;
                case "top_p":
                    options.TopP = float.Parse(value, CultureInfo.InvariantCulture);
                    break;
                case "frequency_penalty":
                    options.FrequencyPenalty = float.Parse(value, CultureInfo.InvariantCulture);
                    break;
                case "presence_penalty":
                    options.PresencePenalty = float.Parse(value, CultureInfo.InvariantCulture);
                    break;
                case "seed":
                    options.Seed = long.Parse(value, CultureInfo.InvariantCulture);
                    break;
                case "stop":
                    (options.StopSequences ??= []).Add(value);
                    break;
                default:
                    (options.AdditionalProperties ??= [])[key] = value;
                    break;
            }
        }

        return options;
    }
}

/// <summary>A reply as the tests read it.</summary>
internal sealed record TestReply(ChatResponse Response)
{
    public string Content => Response.Text;

    /// <summary>The finish reason as the server sent it (the original value when the SDK did not know it).</summary>
    public string? FinishReason => Response.AdditionalProperties is { } properties && properties.TryGetValue(OpenAIModelChatClient.FinishReasonKey, out var original)
        ? original as string
        : Response.FinishReason?.Value;

    public string? Model => Response.ModelId;

    public string? ResponseId => Response.ResponseId;

    public TokenUsage Usage => TokenUsage.FromUsageDetails(Response.Usage);
}

internal static class TestCallExtensions
{
    public static async Task<TestReply> CompleteAsync(this IChatClient client, TestCall call, CancellationToken cancellationToken = default) =>
        new(await client.GetResponseAsync(call.Messages, call.ToChatOptions(), cancellationToken).ConfigureAwait(false));

    public static string? SystemName(this IChatClient client) => client.GetService<ChatClientMetadata>()?.ProviderName;

    public static Uri? Endpoint(this IChatClient client) => client.GetService<ChatClientMetadata>()?.ProviderUri;
}
