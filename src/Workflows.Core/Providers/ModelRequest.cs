using Microsoft.Extensions.AI;

namespace Workflows;

/// <summary>
/// One model call as a step asks for it: the Microsoft.Extensions.AI messages and options. Middleware sees it before the
/// call (<see cref="WorkflowMiddleware.BeforeLlmCallAsync"/>) and may return a changed copy (<c>request with { ... }</c>).
/// </summary>
/// <param name="Messages">The messages, oldest first; at least one.</param>
/// <param name="Options">
/// The options (model, sampling settings, response format, tools). A <see langword="null"/>
/// <see cref="ChatOptions.ModelId"/> is filled in by the engine: the configured default model of the provider, then the
/// client's <see cref="ChatClientMetadata.DefaultModelId"/>, then <see cref="GenAiWorkflowOptions.DefaultModel"/>.
/// </param>
public sealed record ModelRequest(IReadOnlyList<ChatMessage> Messages, ChatOptions Options)
{
    /// <summary>The number of tool-call rounds a call may make when <see cref="MaxToolRounds"/> is not set.</summary>
    public const int DefaultMaxToolRounds = 8;

    /// <summary>Initializes a new instance of the <see cref="ModelRequest"/> class with one user message.</summary>
    /// <param name="prompt">The user message.</param>
    /// <param name="systemPrompt">An optional system message placed before it.</param>
    public ModelRequest(string prompt, string? systemPrompt = null)
        : this(Conversation(prompt, systemPrompt), new ChatOptions())
    {
    }

    /// <summary>Gets the messages, oldest first.</summary>
    public IReadOnlyList<ChatMessage> Messages { get; init; } = Messages is { Count: > 0 }
        ? Messages
        : throw new ArgumentException("A model request needs at least one message.", nameof(Messages));

    /// <summary>Gets the options.</summary>
    public ChatOptions Options { get; init; } = Options ?? throw new ArgumentNullException(nameof(Options));

    /// <summary>
    /// Gets the most model calls the function-invocation loop may make when <see cref="ChatOptions.Tools"/> holds functions;
    /// after the last round the model is asked once more without tools, so it must answer in text.
    /// </summary>
    /// <value>The default value is <see cref="DefaultMaxToolRounds"/>.</value>
    public int MaxToolRounds
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            field = value;
        }
    } = DefaultMaxToolRounds;

    /// <summary>Gets the text of the last user message (the prompt), or an empty string when there is none.</summary>
    public string Prompt => ChatMessages.LastUserText(Messages);

    private static ChatMessage[] Conversation(string prompt, string? systemPrompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        return systemPrompt is null
            ? [new ChatMessage(ChatRole.User, prompt)]
            : [new ChatMessage(ChatRole.System, systemPrompt), new ChatMessage(ChatRole.User, prompt)];
    }
}
