using Microsoft.Extensions.AI;

namespace Workflows;

/// <summary>What the library reads of a conversation in more than one place.</summary>
internal static class ChatMessages
{
    /// <summary>The text of the last user message (the prompt), or an empty string when there is none.</summary>
    public static string LastUserText(IReadOnlyList<ChatMessage> messages)
    {
        for (var i = messages.Count - 1; i >= 0; i--)
        {
            if (messages[i].Role == ChatRole.User)
            {
                return messages[i].Text;
            }
        }

        return string.Empty;
    }
}
