namespace Workflows;

/// <summary>Settings of a <see cref="PiiDetector"/>: which built-in recognizers run and which custom ones are added.</summary>
/// <remarks>
/// Plain properties, so the class can be bound from configuration. The detector reads the options once, when it is
/// created; changing them afterwards does not change that detector.
/// </remarks>
public sealed class PiiDetectorOptions
{
    /// <summary>Gets the names of built-in recognizers (<see cref="PiiTypes"/>) that do not run, compared ignoring case.</summary>
    /// <value>The default value is empty: all built-in recognizers run.</value>
    public ISet<string> DisabledRecognizers { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Gets custom recognizers given as name and regular expression pattern (the configuration-friendly form of
    /// <see cref="PiiRecognizer(string, string)"/>).
    /// </summary>
    /// <value>The default value is empty.</value>
    public IDictionary<string, string> CustomPatterns { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Gets custom recognizers built in code (from a pattern, a <see cref="System.Text.RegularExpressions.Regex"/> or a delegate).</summary>
    /// <value>The default value is empty.</value>
    public IList<PiiRecognizer> CustomRecognizers { get; } = [];
}
