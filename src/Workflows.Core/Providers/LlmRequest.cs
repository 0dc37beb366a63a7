namespace Workflows;

/// <summary>One request to a model: the messages and the sampling settings.</summary>
/// <remarks>
/// The defaults (<see cref="DefaultModel"/>, <see cref="DefaultTemperature"/>, <see cref="DefaultMaxTokens"/>) apply when
/// neither the step nor configuration sets a value. <see langword="null"/> for <see cref="Temperature"/> or
/// <see cref="MaxTokens"/> means "do not send the setting; let the server decide".
/// </remarks>
public sealed record LlmRequest
{
    /// <summary>The model used when nothing else is configured.</summary>
    public const string DefaultModel = "gpt-4o-mini";

    /// <summary>The temperature used when nothing else is configured.</summary>
    public const double DefaultTemperature = 0.7;

    /// <summary>The maximum output tokens used when nothing else is configured.</summary>
    public const int DefaultMaxTokens = 1024;

    /// <summary>Initializes a new instance of the <see cref="LlmRequest"/> class with one user message.</summary>
    /// <param name="prompt">The user message.</param>
    /// <param name="systemPrompt">An optional system message placed before it.</param>
    public LlmRequest(string prompt, string? systemPrompt = null)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        Messages = systemPrompt is null
            ? [LlmMessage.User(prompt)]
            : [LlmMessage.System(systemPrompt), LlmMessage.User(prompt)];
    }

    /// <summary>Initializes a new instance of the <see cref="LlmRequest"/> class with a conversation.</summary>
    /// <param name="messages">The messages, oldest first; at least one.</param>
    /// <exception cref="ArgumentException">No messages were given.</exception>
    public LlmRequest(IReadOnlyList<LlmMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Count == 0)
        {
            throw new ArgumentException("A request needs at least one message.", nameof(messages));
        }

        Messages = messages;
    }

    /// <summary>Gets the messages, oldest first.</summary>
    public IReadOnlyList<LlmMessage> Messages { get; init; }

    /// <summary>Gets the text of the last user message (the prompt), or an empty string when there is none.</summary>
    public string Prompt
    {
        get
        {
            for (var i = Messages.Count - 1; i >= 0; i--)
            {
                if (Messages[i].Role == LlmRole.User)
                {
                    return Messages[i].Content;
                }
            }

            return string.Empty;
        }
    }

    /// <summary>Gets the model (or, for Azure OpenAI, the deployment) to call.</summary>
    /// <value>The default value is <c>gpt-4o-mini</c>.</value>
    public string Model { get; init; } = DefaultModel;

    /// <summary>Gets the sampling temperature; <see langword="null"/> leaves it to the server.</summary>
    /// <value>The default value is 0.7.</value>
    public double? Temperature { get; init; } = DefaultTemperature;

    /// <summary>Gets the maximum output tokens; <see langword="null"/> leaves it to the server.</summary>
    /// <value>The default value is 1024.</value>
    public int? MaxTokens { get; init; } = DefaultMaxTokens;

    /// <summary>Gets provider-specific settings passed through unchanged (for example <c>reasoning_effort</c>).</summary>
    public IReadOnlyDictionary<string, string> AdditionalProperties { get; init; } = EmptyProperties;

    private static readonly IReadOnlyDictionary<string, string> EmptyProperties = new Dictionary<string, string>();
}
