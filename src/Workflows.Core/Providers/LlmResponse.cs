namespace Workflows;

/// <summary>A model's answer to one <see cref="LlmRequest"/>.</summary>
public sealed record LlmResponse
{
    /// <summary>Initializes a new instance of the <see cref="LlmResponse"/> class.</summary>
    /// <param name="content">The text of the answer.</param>
    public LlmResponse(string content)
    {
        ArgumentNullException.ThrowIfNull(content);
        Content = content;
    }

    /// <summary>Gets the text of the answer.</summary>
    public string Content { get; init; }

    /// <summary>Gets the token usage the provider reported (or the mock simulated).</summary>
    public TokenUsage Usage { get; init; } = TokenUsage.Empty;

    /// <summary>Gets the model that answered, as the provider named it (may differ from the requested model).</summary>
    public string? Model { get; init; }

    /// <summary>Gets why the model stopped: <c>stop</c>, <c>length</c>, <c>content_filter</c>, <c>tool_calls</c>...</summary>
    public string? FinishReason { get; init; }

    /// <summary>Gets the provider's id of the response, when it sent one.</summary>
    public string? ResponseId { get; init; }

    /// <summary>Gets the time the call took, measured by the provider adapter.</summary>
    public TimeSpan Latency { get; init; }
}
