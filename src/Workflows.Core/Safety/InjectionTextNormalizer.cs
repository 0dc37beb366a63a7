using System.Globalization;
using System.Text;

namespace Workflows;

/// <summary>
/// Folds text into the form the injection patterns are written for, remembering where each character came from:
/// compatibility forms (fullwidth letters, ligatures, mathematical alphanumerics) to their plain letters, diacritics,
/// zero-width and other format characters removed, common Cyrillic and Greek look-alikes mapped to Latin, lower case,
/// whitespace runs collapsed to one space (or one line break when the run holds one), typographic quotes to ASCII, and
/// leetspeak digits inside words (<c>1gn0re</c>) to letters.
/// </summary>
internal static class InjectionTextNormalizer
{
    // Indexed by UTF-16 code unit: the folded form of each non-ASCII BMP character, computed once on first use.
    private static readonly string?[] FoldCache = new string?[char.MaxValue + 1];

    private static readonly Dictionary<char, char> Homoglyphs = BuildHomoglyphs();

    public static NormalizedText Normalize(string text)
    {
        var output = new StringBuilder(text.Length);
        var starts = new List<int>(text.Length);
        var ends = new List<int>(text.Length);
        var pendingSpace = false;
        var pendingNewline = false;
        var spaceStart = 0;

        for (var i = 0; i < text.Length;)
        {
            var c = text[i];
            string folded;
            var width = 1;
            if (c < 0x80)
            {
                if (c is ' ' or '\t' or '\n' or '\r' or '\f' or '\v')
                {
                    if (!pendingSpace)
                    {
                        spaceStart = i;
                    }

                    pendingSpace = true;
                    pendingNewline |= c is '\n' or '\r';
                    i++;
                    continue;
                }

                if (char.IsControl(c))
                {
                    i++;
                    continue;
                }

                Emit(char.ToLowerInvariant(c), i, 1);
                i++;
                continue;
            }

            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                width = 2;
                folded = Fold(text.Substring(i, 2));
            }
            else
            {
                folded = FoldCache[c] ??= Fold(c.ToString());
            }

            foreach (var f in folded)
            {
                if (f == ' ')
                {
                    if (!pendingSpace)
                    {
                        spaceStart = i;
                    }

                    pendingSpace = true;
                    pendingNewline |= char.GetUnicodeCategory(c) is UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;
                }
                else
                {
                    Emit(f, i, width);
                }
            }

            i += width;
        }

        var normalized = output.ToString();
        return new NormalizedText(MapLeetspeak(normalized), [.. starts], [.. ends]);

        void Emit(char value, int start, int length)
        {
            if (pendingSpace)
            {
                if (output.Length > 0)
                {
                    output.Append(pendingNewline ? '\n' : ' ');
                    starts.Add(spaceStart);
                    ends.Add(start);
                }

                pendingSpace = false;
                pendingNewline = false;
            }

            output.Append(value);
            starts.Add(start);
            ends.Add(start + length);
        }
    }

    /// <summary>The folded form of one character (or surrogate pair): empty when it is dropped, " " when it is a space.</summary>
    private static string Fold(string character)
    {
        var decomposed = character.Normalize(NormalizationForm.FormKD);
        var builder = new StringBuilder(decomposed.Length);
        foreach (var d in decomposed)
        {
            var category = char.GetUnicodeCategory(d);
            if (category is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark or UnicodeCategory.SpacingCombiningMark
                or UnicodeCategory.Format or UnicodeCategory.Control)
            {
                continue;
            }

            if (char.IsWhiteSpace(d) || category is UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
            {
                builder.Append(' ');
                continue;
            }

            var mapped = Homoglyphs.TryGetValue(d, out var latin) ? latin : d;
            builder.Append(char.ToLowerInvariant(mapped));
        }

        return builder.ToString();
    }

    /// <summary>Maps <c>0 1 3 4 5 7 @ $</c> to <c>o i e a s t a s</c> where a letter stands next to them (<c>pr3v10us</c>).</summary>
    private static string MapLeetspeak(string text)
    {
        char[]? buffer = null;
        for (var i = 0; i < text.Length; i++)
        {
            var letter = text[i] switch
            {
                '0' => 'o',
                '1' => 'i',
                '3' => 'e',
                '4' => 'a',
                '5' => 's',
                '7' => 't',
                '@' => 'a',
                '$' => 's',
                _ => '\0',
            };
            if (letter == '\0')
            {
                continue;
            }

            if (IsLetterOrLeet(text, i - 1) || IsLetterOrLeet(text, i + 1))
            {
                buffer ??= text.ToCharArray();
                buffer[i] = letter;
            }
        }

        return buffer is null ? text : new string(buffer);
    }

    private static bool IsLetterOrLeet(string text, int index)
    {
        if (index < 0 || index >= text.Length)
        {
            return false;
        }

        var c = text[index];
        if (char.IsAsciiLetterLower(c))
        {
            return true;
        }

        // One leet neighbour is enough when the next character along is a letter ("v10u": the 1 next to the 0 next to u).
        return c is '0' or '1' or '3' or '4' or '5' or '7' &&
            ((index + 1 < text.Length && char.IsAsciiLetterLower(text[index + 1])) ||
             (index > 0 && char.IsAsciiLetterLower(text[index - 1])));
    }

    private static Dictionary<char, char> BuildHomoglyphs()
    {
        // Cyrillic and Greek letters that render like Latin ones, plus typographic quotes and dashes.
        const string From = "аеорсухіјѕԁɡһкмтвнпАВЕКМНОРСТХІЈЅУαοριεκντυχβγηΑΒΕΖΗΙΚΜΝΟΡΤΥΧ‘’‚‛“”„‟‐‑‒–—―ı";
        const string To = "aeopcyxijsdghkmtbhnABEKMHOPCTXIJSYaopiektvuxbynABEZHIKMNOPTYX''''\"\"\"\"------i";
        var map = new Dictionary<char, char>(From.Length);
        for (var i = 0; i < From.Length; i++)
        {
            map[From[i]] = To[i];
        }

        return map;
    }
}

/// <summary>Normalized text and, for each of its characters, the range of the original text it came from.</summary>
internal sealed class NormalizedText(string text, int[] starts, int[] ends)
{
    public string Text { get; } = text;

    /// <summary>Maps a range of <see cref="Text"/> back to the original text as (start, length).</summary>
    public (int Start, int Length) ToOriginal(int start, int length)
    {
        var originalStart = starts[start];
        var originalEnd = ends[start + length - 1];
        return (originalStart, originalEnd - originalStart);
    }
}
