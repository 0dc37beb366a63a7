namespace Workflows;

/// <summary>Settings of a <see cref="PromptInjectionDetector"/>: which built-in patterns run and which custom ones are added.</summary>
/// <remarks>
/// Plain properties, so the class can be bound from configuration. The detector reads the options once, when it is
/// created.
/// </remarks>
public sealed class PromptInjectionDetectorOptions
{
    /// <summary>Gets the names of built-in patterns (<see cref="PromptInjectionPatterns"/>) that do not run, compared ignoring case.</summary>
    /// <value>The default value is empty: all built-in patterns run.</value>
    public ISet<string> DisabledPatterns { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Gets custom patterns as name and .NET regular expression. They are matched against the normalized text: lower case,
    /// look-alike and fullwidth letters folded to ASCII, zero-width characters removed, each whitespace run one space
    /// (or <c>\n</c> when it holds a line break). Write them in lower case, with <c>\s</c> between words.
    /// </summary>
    /// <value>The default value is empty.</value>
    public IDictionary<string, string> CustomPatterns { get; } = new Dictionary<string, string>(StringComparer.Ordinal);
}
