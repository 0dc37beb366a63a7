namespace Workflows;

/// <summary>One chat message of a request.</summary>
/// <param name="Role">Who wrote the message.</param>
/// <param name="Content">The text of the message.</param>
public sealed record LlmMessage(LlmRole Role, string Content)
{
    /// <summary>Creates a system message.</summary>
    /// <param name="content">The text.</param>
    /// <returns>The message.</returns>
    public static LlmMessage System(string content) => new(LlmRole.System, content);

    /// <summary>Creates a user message.</summary>
    /// <param name="content">The text.</param>
    /// <returns>The message.</returns>
    public static LlmMessage User(string content) => new(LlmRole.User, content);

    /// <summary>Creates an assistant message.</summary>
    /// <param name="content">The text.</param>
    /// <returns>The message.</returns>
    public static LlmMessage Assistant(string content) => new(LlmRole.Assistant, content);
}
