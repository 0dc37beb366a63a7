using System.Globalization;
using System.Text;

namespace Workflows;

/// <summary>
/// Folds text into the form the injection patterns are written for, remembering where each character came from:
/// compatibility forms (fullwidth letters, ligatures, mathematical alphanumerics) to their plain letters, diacritics,
/// zero-width and other format characters removed, common Cyrillic and Greek look-alikes mapped to Latin, lower case,
/// whitespace runs collapsed to one space (or one line break when the run holds one), typographic quotes to ASCII,
/// invisible Unicode tag characters (U+E0020-U+E007E) to the ASCII they encode, and leetspeak digits inside words
/// (<c>1gn0re</c>) to letters.
/// </summary>
internal static class InjectionTextNormalizer
{
    // Indexed by UTF-16 code unit: the folded form of each non-ASCII BMP character, computed once on first use.
    private static readonly string?[] FoldCache = new string?[char.MaxValue + 1];

    private static readonly Dictionary<char, char> Homoglyphs = BuildHomoglyphs();

    public static NormalizedText Normalize(string text)
    {
        var output = new Output(text.Length);
        for (var i = 0; i < text.Length;)
        {
            var c = text[i];
            if (c < 0x80)
            {
                if (c is ' ' or '\t' or '\n' or '\r' or '\f' or '\v')
                {
                    output.Space(i, c is '\n' or '\r');
                }
                else if (!char.IsControl(c))
                {
                    output.Emit(c is >= 'A' and <= 'Z' ? (char)(c | 0x20) : c, i, 1);
                }

                i++;
                continue;
            }

            string folded;
            var width = 1;
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                width = 2;
                var codePoint = char.ConvertToUtf32(c, text[i + 1]);

                // Unicode tag characters spell ASCII invisibly ("ASCII smuggling"): read them as the ASCII they encode.
                folded = codePoint is >= 0xE0020 and <= 0xE007E
                    ? char.ToLowerInvariant((char)(codePoint - 0xE0000)).ToString()
                    : Fold(text.Substring(i, 2));
            }
            else if (char.IsSurrogate(c))
            {
                // Half of a pair (text cut in the middle of one): not a character, and string.Normalize refuses it.
                folded = "\uFFFD";
            }
            else
            {
                folded = FoldCache[c] ??= Fold(c.ToString());
            }

            foreach (var f in folded)
            {
                if (f == ' ')
                {
                    output.Space(i, char.GetUnicodeCategory(c) is UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator);
                }
                else
                {
                    output.Emit(f, i, width);
                }
            }

            i += width;
        }

        return output.ToNormalizedText();
    }

    /// <summary>The folded characters and, for each, the range of the original text it came from.</summary>
    private sealed class Output(int capacity)
    {
        // Folding can lengthen the text (a ligature becomes two or three letters): the arrays grow when full.
        private char[] _chars = new char[capacity];
        private int[] _starts = new int[capacity];
        private int[] _ends = new int[capacity];
        private int _count;
        private bool _pendingSpace;
        private bool _pendingNewline;
        private int _spaceStart;

        /// <summary>Notes whitespace at <paramref name="index"/>; a run of it becomes one space (or one line break).</summary>
        public void Space(int index, bool newline)
        {
            if (!_pendingSpace)
            {
                _spaceStart = index;
                _pendingSpace = true;
            }

            _pendingNewline |= newline;
        }

        public void Emit(char value, int start, int length)
        {
            if (_pendingSpace)
            {
                if (_count > 0)
                {
                    Append(_pendingNewline ? '\n' : ' ', _spaceStart, start);
                }

                _pendingSpace = false;
                _pendingNewline = false;
            }

            Append(value, start, start + length);
        }

        public NormalizedText ToNormalizedText()
        {
            MapLeetspeak(_chars.AsSpan(0, _count));
            return new NormalizedText(new string(_chars, 0, _count), _starts, _ends);
        }

        private void Append(char value, int start, int end)
        {
            if (_count == _chars.Length)
            {
                var size = Math.Max(16, _count * 2);
                Array.Resize(ref _chars, size);
                Array.Resize(ref _starts, size);
                Array.Resize(ref _ends, size);
            }

            _chars[_count] = value;
            _starts[_count] = start;
            _ends[_count] = end;
            _count++;
        }
    }

    /// <summary>
    /// The folded form of one character (or surrogate pair): empty when it is dropped, " " when it is a space. Read by
    /// code point, so that supplementary marks and format characters (variation selectors U+E0100-U+E01EF, the cancel tag)
    /// are dropped like their BMP counterparts.
    /// </summary>
    private static string Fold(string character)
    {
        // string.Normalize refuses noncharacters (U+FDD0-U+FDEF and the last two code points of every plane), which have
        // no other form to fold to.
        var codePoint = char.ConvertToUtf32(character, 0);
        var decomposed = codePoint is >= 0xFDD0 and <= 0xFDEF || (codePoint & 0xFFFE) == 0xFFFE
            ? character
            : character.Normalize(NormalizationForm.FormKD);
        var builder = new StringBuilder(decomposed.Length);
        foreach (var rune in decomposed.EnumerateRunes())
        {
            if (Rune.GetUnicodeCategory(rune) is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark
                or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.Format or UnicodeCategory.Control)
            {
                continue;
            }

            // Every space, line and paragraph separator is white space.
            if (Rune.IsWhiteSpace(rune))
            {
                builder.Append(' ');
            }
            else if (rune.IsBmp && Homoglyphs.TryGetValue((char)rune.Value, out var latin))
            {
                builder.Append(char.ToLowerInvariant(latin));
            }
            else
            {
                builder.Append(Rune.ToLowerInvariant(rune).ToString());
            }
        }

        return builder.ToString();
    }

    /// <summary>
    /// Maps <c>0 1 3 4 5 7 @ $</c> to <c>o i e a s t a s</c> where a letter stands next to them, or a leet digit that
    /// itself has a letter on its other side (<c>pr3v10us</c>). Decided on the unmapped characters.
    /// </summary>
    private static void MapLeetspeak(Span<char> text)
    {
        char before2 = '\0', before1 = '\0'; // the original characters at i - 2 and i - 1
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var letter = Leet(c);
            if (letter != '\0')
            {
                var after1 = i + 1 < text.Length ? text[i + 1] : '\0';
                var after2 = i + 2 < text.Length ? text[i + 2] : '\0';
                if (char.IsAsciiLetterLower(before1) || char.IsAsciiLetterLower(after1) ||
                    (IsLeetDigit(before1) && char.IsAsciiLetterLower(before2)) ||
                    (IsLeetDigit(after1) && char.IsAsciiLetterLower(after2)))
                {
                    text[i] = letter;
                }
            }

            before2 = before1;
            before1 = c;
        }
    }

    private static bool IsLeetDigit(char c) => c is '0' or '1' or '3' or '4' or '5' or '7';

    private static char Leet(char c) => c switch
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
