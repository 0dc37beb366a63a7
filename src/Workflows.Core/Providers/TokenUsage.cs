namespace Workflows;

/// <summary>Token counts of one model call, or the sum of several.</summary>
/// <remarks>
/// <see cref="CachedInputTokens"/> and <see cref="ReasoningTokens"/> are <see langword="null"/> when the provider does not
/// report them; they are part of <see cref="InputTokens"/> and <see cref="OutputTokens"/> respectively, not in addition to them.
/// </remarks>
public sealed record TokenUsage
{
    /// <summary>Gets usage with every count at zero.</summary>
    public static TokenUsage Empty { get; } = new();

    /// <summary>Gets the tokens of the prompt (input).</summary>
    public long InputTokens { get; init; }

    /// <summary>Gets the tokens of the completion (output).</summary>
    public long OutputTokens { get; init; }

    /// <summary>Gets the total tokens, as the provider reported it (usually input plus output).</summary>
    public long TotalTokens { get; init; }

    /// <summary>Gets the input tokens that were served from the provider's prompt cache, when reported.</summary>
    public long? CachedInputTokens { get; init; }

    /// <summary>Gets the output tokens spent on hidden reasoning, when reported.</summary>
    public long? ReasoningTokens { get; init; }

    /// <summary>Creates usage from input and output counts, with the total as their sum.</summary>
    /// <param name="inputTokens">The input tokens.</param>
    /// <param name="outputTokens">The output tokens.</param>
    /// <returns>The usage.</returns>
    public static TokenUsage From(long inputTokens, long outputTokens) =>
        new() { InputTokens = inputTokens, OutputTokens = outputTokens, TotalTokens = inputTokens + outputTokens };

    /// <summary>Adds two usages; a detail count stays <see langword="null"/> only when neither side reported it.</summary>
    /// <param name="left">The first usage.</param>
    /// <param name="right">The second usage.</param>
    /// <returns>The sum.</returns>
    public static TokenUsage operator +(TokenUsage left, TokenUsage right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        return new()
        {
            InputTokens = left.InputTokens + right.InputTokens,
            OutputTokens = left.OutputTokens + right.OutputTokens,
            TotalTokens = left.TotalTokens + right.TotalTokens,
            CachedInputTokens = AddOptional(left.CachedInputTokens, right.CachedInputTokens),
            ReasoningTokens = AddOptional(left.ReasoningTokens, right.ReasoningTokens),
        };
    }

    /// <summary>Adds two usages (the named alternative to the + operator).</summary>
    /// <param name="left">The first usage.</param>
    /// <param name="right">The second usage.</param>
    /// <returns>The sum.</returns>
    public static TokenUsage Add(TokenUsage left, TokenUsage right) => left + right;

    private static long? AddOptional(long? a, long? b) => a is null && b is null ? null : (a ?? 0) + (b ?? 0);
}
