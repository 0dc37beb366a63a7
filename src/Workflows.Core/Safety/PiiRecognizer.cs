using System.Text.RegularExpressions;

namespace Workflows;

/// <summary>
/// A custom recognizer for <see cref="PiiDetector"/>: a name (which is the finding's <see cref="PiiFinding.Type"/> and
/// the mask, <c>[NAME]</c>) and either a regular expression or a delegate that returns the ranges it found.
/// </summary>
/// <remarks>
/// A pattern given as a string is compiled with <see cref="RegexOptions.NonBacktracking"/> (linear time); a pattern that
/// needs a construct that engine lacks (lookarounds, backreferences, atomic groups) is compiled with the backtracking engine
/// and a match timeout instead, and a match that runs past it throws <see cref="RegexMatchTimeoutException"/> from
/// <see cref="PiiDetector.Detect(string)"/> rather than returning a partial answer. A <see cref="Regex"/> instance or a
/// delegate is used as given: keeping it linear is up to you.
/// </remarks>
public sealed class PiiRecognizer
{
    /// <summary>The match timeout used for a string pattern that the non-backtracking engine cannot run.</summary>
    public static readonly TimeSpan BacktrackingPatternTimeout = TimeSpan.FromSeconds(1);

    private readonly Regex? _regex;
    private readonly Func<string, IEnumerable<Range>>? _find;

    /// <summary>Initializes a recognizer from a regular expression pattern; every match is a finding.</summary>
    /// <param name="name">The name: a letter, then letters, digits, <c>_</c> or <c>-</c> (for example <c>EMPLOYEE_ID</c>).</param>
    /// <param name="pattern">The .NET regular expression.</param>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> or <paramref name="pattern"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not a valid name, or <paramref name="pattern"/> is not a valid regular expression.</exception>
    public PiiRecognizer(string name, string pattern)
        : this(name, SafetyRegex.Compile(pattern, RegexOptions.CultureInvariant, BacktrackingPatternTimeout, nameof(pattern)))
    {
    }

    /// <summary>Initializes a recognizer from a regular expression; every match is a finding.</summary>
    /// <param name="name">The name: a letter, then letters, digits, <c>_</c> or <c>-</c> (for example <c>EMPLOYEE_ID</c>).</param>
    /// <param name="regex">The regular expression, used as given.</param>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> or <paramref name="regex"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not a valid name.</exception>
    public PiiRecognizer(string name, Regex regex)
    {
        ArgumentNullException.ThrowIfNull(regex);
        Name = SafetyNames.Validate(name, nameof(name));
        _regex = regex;
    }

    /// <summary>Initializes a recognizer from a delegate that returns the ranges of the text it recognizes.</summary>
    /// <param name="name">The name: a letter, then letters, digits, <c>_</c> or <c>-</c> (for example <c>EMPLOYEE_ID</c>).</param>
    /// <param name="find">Returns the ranges found in the text it is given; empty ranges are ignored.</param>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> or <paramref name="find"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not a valid name.</exception>
    public PiiRecognizer(string name, Func<string, IEnumerable<Range>> find)
    {
        ArgumentNullException.ThrowIfNull(find);
        Name = SafetyNames.Validate(name, nameof(name));
        _find = find;
    }

    /// <summary>Gets the recognizer's name, used as the finding's type and in the mask <c>[NAME]</c>.</summary>
    public string Name { get; }

    internal void Find(string text, List<PiiCandidate> candidates, int priority)
    {
        if (_regex is not null)
        {
            for (var match = _regex.Match(text); match.Success; match = match.NextMatch())
            {
                if (match.Length > 0)
                {
                    candidates.Add(new PiiCandidate(Name, match.Index, match.Length, priority));
                }
            }

            return;
        }

        foreach (var range in _find!(text))
        {
            var (offset, length) = range.GetOffsetAndLength(text.Length);
            if (length > 0)
            {
                candidates.Add(new PiiCandidate(Name, offset, length, priority));
            }
        }
    }
}
