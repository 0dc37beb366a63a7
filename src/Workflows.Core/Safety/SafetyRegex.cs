using System.Text.RegularExpressions;

namespace Workflows;

/// <summary>Compiles user-supplied patterns: linear-time engine first, a timed backtracking engine when it cannot run them.</summary>
internal static class SafetyRegex
{
    public static Regex Compile(string pattern, RegexOptions options, TimeSpan fallbackTimeout, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(pattern, parameterName);
        try
        {
            return new Regex(pattern, options | RegexOptions.NonBacktracking);
        }
        catch (NotSupportedException)
        {
            // Lookarounds, backreferences, atomic groups: the backtracking engine with a timeout.
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"'{pattern}' is not a valid regular expression: {ex.Message}", parameterName, ex);
        }

        return new Regex(pattern, options, fallbackTimeout);
    }
}
