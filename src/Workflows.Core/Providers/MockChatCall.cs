using Microsoft.Extensions.AI;

namespace Workflows;

/// <summary>One call a <see cref="MockChatClient"/> received.</summary>
/// <param name="Messages">The messages, oldest first.</param>
/// <param name="Options">The options, as sent.</param>
/// <param name="Streamed">Whether the call was a streamed one.</param>
public sealed record MockChatCall(IReadOnlyList<ChatMessage> Messages, ChatOptions? Options, bool Streamed)
{
    /// <summary>Gets the text of the last user message (the prompt), or an empty string when there is none.</summary>
    public string Prompt => ChatMessages.LastUserText(Messages);

    /// <summary>Gets the model the call asked for.</summary>
    public string? Model => Options?.ModelId;
}
