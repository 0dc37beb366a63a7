using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;

namespace Workflows;

/// <summary>
/// Finds and masks personal data in text: email addresses, US social security numbers, payment card numbers and North
/// American / E.164 phone numbers, plus any custom recognizers. Usable on its own, without a host; immutable and safe to
/// share between threads.
/// </summary>
/// <remarks>
/// <para>
/// The built-in recognizers are regular expressions run by the non-backtracking engine (time linear in the input),
/// followed by the checks a pattern cannot make: the Luhn checksum and network prefix of card numbers, the area, group and
/// serial ranges of SSNs, the area code and exchange of North American numbers, and that a number is not part of a
/// longer one.
/// </para>
/// <para>
/// Overlapping findings are resolved deterministically: the longer finding wins, and between findings of the same
/// length the recognizer listed first (email, credit card, SSN, phone, then custom recognizers in the order they were
/// added), so the digits of a card number are reported once, as a card.
/// </para>
/// </remarks>
public sealed partial class PiiDetector
{
    private const RegexOptions Linear = RegexOptions.NonBacktracking | RegexOptions.CultureInvariant;

    private readonly bool _email;
    private readonly bool _ssn;
    private readonly bool _card;
    private readonly bool _phone;
    private readonly PiiRecognizer[] _custom;

    /// <summary>Initializes a detector with every built-in recognizer and no custom one.</summary>
    public PiiDetector()
        : this(new PiiDetectorOptions())
    {
    }

    /// <summary>Initializes a detector from options, read once.</summary>
    /// <param name="options">Which built-in recognizers run and which custom ones are added.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A disabled name is not a built-in recognizer, a custom name is used twice or
    /// is invalid, or a custom pattern is not a valid regular expression.</exception>
    public PiiDetector(PiiDetectorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        string[] builtIn = [PiiTypes.Email, PiiTypes.CreditCard, PiiTypes.Ssn, PiiTypes.Phone];
        foreach (var name in options.DisabledRecognizers)
        {
            if (!builtIn.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                throw new ArgumentException(
                    $"'{name}' is not a built-in PII recognizer; the built-in ones are {string.Join(", ", builtIn)}.",
                    nameof(options));
            }
        }

        _email = !options.DisabledRecognizers.Contains(PiiTypes.Email);
        _card = !options.DisabledRecognizers.Contains(PiiTypes.CreditCard);
        _ssn = !options.DisabledRecognizers.Contains(PiiTypes.Ssn);
        _phone = !options.DisabledRecognizers.Contains(PiiTypes.Phone);

        var custom = new List<PiiRecognizer>();
        custom.AddRange(options.CustomPatterns.Select(static p => new PiiRecognizer(p.Key, p.Value)));
        custom.AddRange(options.CustomRecognizers.Select(static r => r ?? throw new ArgumentException("A custom recognizer is null.", nameof(options))));
        var names = new HashSet<string>(builtIn, StringComparer.OrdinalIgnoreCase);
        foreach (var recognizer in custom)
        {
            if (!names.Add(recognizer.Name))
            {
                throw new ArgumentException($"The PII recognizer name '{recognizer.Name}' is used twice.", nameof(options));
            }
        }

        _custom = [.. custom];
    }

    /// <summary>Gets the names of the recognizers that run, in the order in which they win overlaps of equal length.</summary>
    public IReadOnlyList<string> RecognizerNames =>
    [
        .. new[] { (_email, PiiTypes.Email), (_card, PiiTypes.CreditCard), (_ssn, PiiTypes.Ssn), (_phone, PiiTypes.Phone) }
            .Where(static r => r.Item1).Select(static r => r.Item2),
        .. _custom.Select(static r => r.Name),
    ];

    /// <summary>Finds the personal data in <paramref name="text"/>.</summary>
    /// <param name="text">The text to inspect.</param>
    /// <returns>The findings, ordered by position, none overlapping another.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    public IReadOnlyList<PiiFinding> Detect(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var candidates = new List<PiiCandidate>();
        if (_email)
        {
            foreach (var match in EmailRegex().EnumerateMatches(text))
            {
                candidates.Add(new PiiCandidate(PiiTypes.Email, match.Index, match.Length, 0));
            }
        }

        if (_card)
        {
            Scan(text, CardRegex(), PiiTypes.CreditCard, 1, static span => PiiValidation.IsCardNumber(span), candidates);
        }

        if (_ssn)
        {
            Scan(text, SsnRegex(), PiiTypes.Ssn, 2, static span => PiiValidation.IsSsn(span), candidates);
        }

        if (_phone)
        {
            Scan(text, NanpPhoneRegex(), PiiTypes.Phone, 3, static span => PiiValidation.IsNanpNumber(span), candidates);
            Scan(text, E164PhoneRegex(), PiiTypes.Phone, 3, static _ => true, candidates);
        }

        for (var i = 0; i < _custom.Length; i++)
        {
            _custom[i].Find(text, candidates, 4 + i);
        }

        return Resolve(text.Length, candidates);
    }

    /// <summary>
    /// Replaces each piece of personal data in <paramref name="text"/> by its mask (<c>[EMAIL]</c>, <c>[SSN]</c>,
    /// <c>[CREDIT_CARD]</c>, <c>[PHONE]</c>, <c>[NAME]</c> for a custom recognizer); everything else is kept exactly.
    /// </summary>
    /// <param name="text">The text to redact.</param>
    /// <returns>The redacted text; the same instance when nothing was found.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    public string Redact(string text) => Redact(text, Detect(text));

    /// <summary>Replaces the given findings of <paramref name="text"/> by their masks; everything else is kept exactly.</summary>
    /// <param name="text">The text the findings were detected in.</param>
    /// <param name="findings">Findings from <see cref="Detect(string)"/> on the same text (ordered, not overlapping).</param>
    /// <returns>The redacted text; the same instance when there are no findings.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> or <paramref name="findings"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A finding lies outside the text, or the findings overlap or are out of order.</exception>
    public static string Redact(string text, IReadOnlyList<PiiFinding> findings)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(findings);
        if (findings.Count == 0)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        var position = 0;
        foreach (var finding in findings)
        {
            if (finding.Start < position || finding.Length < 0 || finding.End > text.Length)
            {
                throw new ArgumentException(
                    $"The finding {finding} lies outside the text or overlaps the one before it.", nameof(findings));
            }

            builder.Append(text, position, finding.Start - position).Append('[').Append(finding.Type).Append(']');
            position = finding.End;
        }

        return builder.Append(text, position, text.Length - position).ToString();
    }

    /// <summary>
    /// Runs a bounded-length pattern and keeps the matches that pass <paramref name="isValid"/> and are not part of a
    /// longer number. A rejected match is searched again one character further on, so that a valid number that
    /// overlaps it is not hidden; every match is short, so the whole scan stays linear.
    /// </summary>
    private static void Scan(
        string text, Regex regex, string type, int priority, SpanPredicate isValid, List<PiiCandidate> candidates)
    {
        var match = regex.Match(text);
        while (match.Success)
        {
            var start = match.Index;
            var end = start + match.Length;
            var digitStart = text[start] is '(' or '+';
            if ((digitStart || !PiiValidation.HasNumericPrefix(text, start)) &&
                !PiiValidation.HasNumericSuffix(text, end) &&
                isValid(text.AsSpan(start, match.Length)))
            {
                candidates.Add(new PiiCandidate(type, start, match.Length, priority));
                match = match.NextMatch();
            }
            else
            {
                // Every match is at least one character long, so start + 1 is still inside the text or just past it.
                match = regex.Match(text, start + 1);
            }
        }
    }

    private static PiiFinding[] Resolve(int textLength, List<PiiCandidate> candidates)
    {
        if (candidates.Count == 0)
        {
            return [];
        }

        // Winners first: the longer match, then the recognizer listed first, then the earlier match.
        candidates.Sort(static (a, b) =>
            a.Length != b.Length ? b.Length.CompareTo(a.Length)
            : a.Priority != b.Priority ? a.Priority.CompareTo(b.Priority)
            : a.Start.CompareTo(b.Start));

        var taken = ArrayPool<bool>.Shared.Rent(textLength);
        try
        {
            Array.Clear(taken, 0, textLength);
            var accepted = new List<PiiFinding>();
            foreach (var candidate in candidates)
            {
                var span = taken.AsSpan(candidate.Start, candidate.Length);
                if (span.Contains(true))
                {
                    continue;
                }

                span.Fill(true);
                accepted.Add(new PiiFinding(candidate.Type, candidate.Start, candidate.Length));
            }

            accepted.Sort(static (a, b) => a.Start.CompareTo(b.Start));
            return [.. accepted];
        }
        finally
        {
            ArrayPool<bool>.Shared.Return(taken);
        }
    }

    private delegate bool SpanPredicate(ReadOnlySpan<char> candidate);

    // local@domain.tld: dot-atom local part, LDH labels, an alphabetic or punycode TLD.
    [GeneratedRegex(
        @"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@" +
        @"(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]*[A-Za-z0-9])\b",
        Linear)]
    private static partial Regex EmailRegex();

    // 13-19 digits, plain, 4-4-4-(1..7), 4-4-4-4-3 or 4-6-(4..5), separated by spaces or dashes.
    [GeneratedRegex(
        @"\b(?:\d{13,19}|\d{4}[ -]\d{4}[ -]\d{4}[ -]\d{4}[ -]\d{3}|\d{4}[ -]\d{4}[ -]\d{4}[ -]\d{1,7}|\d{4}[ -]\d{6}[ -]\d{4,5})\b",
        Linear)]
    private static partial Regex CardRegex();

    // AAA-GG-SSSS with one separator throughout.
    [GeneratedRegex(@"\b(?:\d{3}-\d{2}-\d{4}|\d{3}\.\d{2}\.\d{4}|\d{3} \d{2} \d{4})\b", Linear)]
    private static partial Regex SsnRegex();

    // Optional 1 / +1 prefix; (NXX) NXX-XXXX, NXX-NXX-XXXX, dots, spaces (NXX NXX-XXXX too) or 10 digits; optional extension.
    [GeneratedRegex(
        @"(?:\+?1[ .-]?)?(?:\(\d{3}\)[ -]?\d{3}[-. ]\d{4}|\(\d{3}\)\d{3}-?\d{4}|\d{3}-\d{3}-\d{4}|\d{3}\.\d{3}\.\d{4}|\d{3} \d{3}[ -]\d{4}|\d{10})" +
        @"(?:[ ,]{0,3}(?:ext|x|extension)[.:]? ?\d{1,7})?\b",
        Linear | RegexOptions.IgnoreCase)]
    private static partial Regex NanpPhoneRegex();

    // E.164: + and 8-15 digits, no separators; optional extension.
    [GeneratedRegex(@"\+[1-9]\d{7,14}(?:[ ,]{0,3}(?:ext|x|extension)[.:]? ?\d{1,7})?\b", Linear | RegexOptions.IgnoreCase)]
    private static partial Regex E164PhoneRegex();
}
