namespace Workflows;

/// <summary>The author of a chat message.</summary>
public enum LlmRole
{
    /// <summary>Instructions that frame the conversation.</summary>
    System,

    /// <summary>The user's (or the workflow's) input.</summary>
    User,

    /// <summary>An earlier answer of the model.</summary>
    Assistant,
}
