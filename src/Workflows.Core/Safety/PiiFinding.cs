namespace Workflows;

/// <summary>
/// One piece of personal data found by <see cref="PiiDetector.Detect(string)"/>: its type and where it is. The matched
/// text itself is deliberately not part of the finding (nor of its <see cref="ToString"/>), so that findings can be
/// logged; read it with <c>text.Substring(finding.Start, finding.Length)</c> when you need it.
/// </summary>
/// <param name="Type">The recognizer's name: one of <see cref="PiiTypes"/> or a custom recognizer's name.</param>
/// <param name="Start">The index of the first character in the inspected text (UTF-16 code units).</param>
/// <param name="Length">The number of characters (UTF-16 code units).</param>
public sealed record PiiFinding(string Type, int Start, int Length)
{
    /// <summary>Gets the index just past the last character of the finding.</summary>
    public int End => Start + Length;

    /// <summary>Returns the type and the position, never the value: for example <c>EMAIL at 12 (length 17)</c>.</summary>
    /// <returns>The type and position of the finding.</returns>
    public override string ToString() => $"{Type} at {Start} (length {Length})";
}
