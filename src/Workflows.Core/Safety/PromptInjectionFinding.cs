namespace Workflows;

/// <summary>One match of a prompt-injection pattern, with its position in the original (not normalized) text.</summary>
/// <param name="Pattern">The pattern's name: one of <see cref="PromptInjectionPatterns"/> or a custom pattern's name.</param>
/// <param name="Start">The index of the first matched character in the inspected text (UTF-16 code units).</param>
/// <param name="Length">The number of matched characters (UTF-16 code units), including any characters normalization removed.</param>
public sealed record PromptInjectionFinding(string Pattern, int Start, int Length)
{
    /// <summary>Gets the index just past the last matched character.</summary>
    public int End => Start + Length;

    /// <summary>Returns the pattern and the position: for example <c>ignore-previous-instructions at 0 (length 28)</c>.</summary>
    /// <returns>The pattern name and position of the finding.</returns>
    public override string ToString() => $"{Pattern} at {Start} (length {Length})";
}
