namespace Workflows;

/// <summary>The checks a regular expression cannot make: checksums, number ranges and the characters around a match.</summary>
internal static class PiiValidation
{
    /// <summary>Whether a 13-19 digit number passes the Luhn check and starts like a card network's number.</summary>
    public static bool IsCardNumber(ReadOnlySpan<char> candidate)
    {
        Span<byte> digits = stackalloc byte[32];
        var count = Digits(candidate, digits);
        if (count is < 13 or > 19)
        {
            return false;
        }

        // Visa 4, Mastercard 2/5, Amex/Diners/JCB 3, Discover/UnionPay/Maestro 6, UnionPay 81.
        var leadingDigitOk = digits[0] is >= 2 and <= 6 || (digits[0] == 8 && digits[1] == 1);
        return leadingDigitOk && PassesLuhn(digits[..count]);
    }

    public static bool PassesLuhn(ReadOnlySpan<byte> digits)
    {
        var sum = 0;
        var doubleIt = false;
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            var d = digits[i];
            if (doubleIt)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
            doubleIt = !doubleIt;
        }

        return sum % 10 == 0;
    }

    /// <summary>Whether <c>AAA?GG?SSSS</c> has a valid area (not 000, 666, 900-999), group (not 00) and serial (not 0000).</summary>
    public static bool IsSsn(ReadOnlySpan<char> candidate)
    {
        Span<byte> d = stackalloc byte[16];
        if (Digits(candidate, d) != 9)
        {
            return false;
        }

        var area = (d[0] * 100) + (d[1] * 10) + d[2];
        return area is not (0 or 666 or >= 900) && d[3..5].ContainsAnyExcept((byte)0) && d[5..9].ContainsAnyExcept((byte)0);
    }

    /// <summary>Whether a North American number has an area code and an exchange that start with 2-9.</summary>
    public static bool IsNanpNumber(ReadOnlySpan<char> candidate)
    {
        // Digits up to the extension ("x", "ext"), which starts at the first letter.
        Span<byte> d = stackalloc byte[11];
        var count = 0;
        foreach (var c in candidate)
        {
            if (char.IsLetter(c) || count == d.Length)
            {
                break;
            }

            if (char.IsAsciiDigit(c))
            {
                d[count++] = (byte)(c - '0');
            }
        }

        var offset = count == 11 && d[0] == 1 ? 1 : 0;
        return count - offset == 10 && d[offset] >= 2 && d[offset + 3] >= 2;
    }

    /// <summary>
    /// Whether the character before a numeric match makes it part of something larger: a letter, a digit, or a
    /// <c>+</c> (the start of an international number), or a separator that follows a digit or starts a signed number
    /// (<c>-2208960000</c>, <c>12.4155550132</c>).
    /// </summary>
    public static bool HasNumericPrefix(string text, int start)
    {
        if (start == 0)
        {
            return false;
        }

        var previous = text[start - 1];
        if (char.IsLetterOrDigit(previous) || previous is '#' or '/' or '_' or '@' or '\\' or '=' or '+')
        {
            return true;
        }

        if (previous is '-' or '.' or ',')
        {
            // "number-415-666-7777" is a phone after a word; "-2208960000" or "3.4155550132" is a number.
            return start < 2 || !char.IsLetter(text[start - 2]);
        }

        return false;
    }

    /// <summary>Whether the characters after a numeric match continue the number (<c>-5</c>, <c>.25</c>, <c>/7</c>).</summary>
    public static bool HasNumericSuffix(string text, int end) =>
        end < text.Length &&
        (char.IsLetterOrDigit(text[end]) || text[end] == '_' ||
         (text[end] is '-' or '.' or '/' && end + 1 < text.Length && char.IsAsciiDigit(text[end + 1])));

    private static int Digits(ReadOnlySpan<char> text, Span<byte> digits)
    {
        var count = 0;
        foreach (var c in text)
        {
            if (char.IsAsciiDigit(c))
            {
                if (count == digits.Length)
                {
                    return count + 1;
                }

                digits[count++] = (byte)(c - '0');
            }
        }

        return count;
    }
}
