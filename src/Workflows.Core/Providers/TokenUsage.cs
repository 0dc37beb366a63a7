using Microsoft.Extensions.AI;

namespace Workflows;

/// <summary>Token counts of one model call, or the sum of several.</summary>
/// <remarks>
/// Every count is <see langword="null"/> when the provider did not report it: an unknown count stays unknown and is never
/// reported as zero. <see cref="CachedInputTokens"/> and <see cref="ReasoningTokens"/> are part of <see cref="InputTokens"/>
/// and <see cref="OutputTokens"/> respectively, not in addition to them. A sum keeps a count <see langword="null"/> only
/// when no part reported it.
/// </remarks>
public sealed record TokenUsage
{
    /// <summary>Gets usage with every count unknown (no call, or a provider that reported nothing).</summary>
    public static TokenUsage Empty { get; } = new();

    /// <summary>Gets the tokens of the prompt (input); <see langword="null"/> when not reported.</summary>
    public long? InputTokens { get; init; }

    /// <summary>Gets the tokens of the completion (output); <see langword="null"/> when not reported.</summary>
    public long? OutputTokens { get; init; }

    /// <summary>
    /// Gets the total tokens: as the provider reported it, else input plus output when both are known;
    /// <see langword="null"/> when neither is known.
    /// </summary>
    public long? TotalTokens { get; init; }

    /// <summary>Gets the input tokens that were served from the provider's prompt cache, when reported.</summary>
    public long? CachedInputTokens { get; init; }

    /// <summary>Gets the output tokens spent on hidden reasoning, when reported.</summary>
    public long? ReasoningTokens { get; init; }

    /// <summary>Gets whether any count is known.</summary>
    public bool IsReported => InputTokens is not null || OutputTokens is not null || TotalTokens is not null;

    /// <summary>Creates usage from input and output counts, with the total as their sum.</summary>
    /// <param name="inputTokens">The input tokens.</param>
    /// <param name="outputTokens">The output tokens.</param>
    /// <returns>The usage.</returns>
    public static TokenUsage From(long inputTokens, long outputTokens) =>
        new() { InputTokens = inputTokens, OutputTokens = outputTokens, TotalTokens = inputTokens + outputTokens };

    /// <summary>Maps Microsoft.Extensions.AI usage, keeping every count the provider did not report unknown.</summary>
    /// <param name="usage">The usage of a <see cref="ChatResponse"/>; <see langword="null"/> when none was reported.</param>
    /// <returns>The usage; <see cref="Empty"/> for <see langword="null"/>.</returns>
    public static TokenUsage FromUsageDetails(UsageDetails? usage)
    {
        if (usage is null)
        {
            return Empty;
        }

        var input = usage.InputTokenCount;
        var output = usage.OutputTokenCount;
        return new()
        {
            InputTokens = input,
            OutputTokens = output,
            TotalTokens = usage.TotalTokenCount ?? input + output, // null when either count is missing
            CachedInputTokens = usage.CachedInputTokenCount,
            ReasoningTokens = usage.ReasoningTokenCount,
        };
    }

    /// <summary>Adds two usages; a count stays <see langword="null"/> only when neither side reported it.</summary>
    /// <param name="left">The first usage.</param>
    /// <param name="right">The second usage.</param>
    /// <returns>The sum.</returns>
    public static TokenUsage operator +(TokenUsage left, TokenUsage right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        return new()
        {
            InputTokens = AddOptional(left.InputTokens, right.InputTokens),
            OutputTokens = AddOptional(left.OutputTokens, right.OutputTokens),
            TotalTokens = AddOptional(left.TotalTokens, right.TotalTokens),
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
