namespace Workflows;

/// <summary>
/// The names of the built-in <see cref="PiiDetector"/> recognizers. A finding's <see cref="PiiFinding.Type"/> is one of
/// these (or the name of a custom recognizer), and <see cref="PiiDetector.Redact(string)"/> masks it as <c>[NAME]</c>.
/// </summary>
public static class PiiTypes
{
    /// <summary>An email address (<c>local@domain.tld</c>, including punycode domains). Masked as <c>[EMAIL]</c>.</summary>
    public const string Email = "EMAIL";

    /// <summary>
    /// A structurally valid US social security number, <c>AAA-GG-SSSS</c> with one consistent separator (<c>-</c>,
    /// <c>.</c> or a space); area 000, 666 and 900-999, group 00 and serial 0000 are not numbers. Masked as <c>[SSN]</c>.
    /// </summary>
    public const string Ssn = "SSN";

    /// <summary>
    /// A Luhn-valid payment card number of 13 to 19 digits, plain or grouped by spaces or dashes, with a card-network
    /// leading digit. Masked as <c>[CREDIT_CARD]</c>.
    /// </summary>
    public const string CreditCard = "CREDIT_CARD";

    /// <summary>
    /// A North American phone number (<c>(NXX) NXX-XXXX</c>, <c>NXX-NXX-XXXX</c>, dots or spaces, <c>NXX NXX-XXXX</c>,
    /// 10 digits, an optional <c>1</c>/<c>+1</c> prefix and extension) or an E.164 number (<c>+</c> and 8 to 15 digits).
    /// Masked as <c>[PHONE]</c>.
    /// </summary>
    public const string Phone = "PHONE";
}
