using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Workflows.Tests.Safety;

public sealed class PiiDetectorTests
{
    private static readonly PiiDetector Detector = new();

    [Theory]
    [InlineData("Write to jane.doe+news@example.co.uk today.", "jane.doe+news@example.co.uk")]
    [InlineData("user@xn--80ak6aa92e.com", "user@xn--80ak6aa92e.com")]
    [InlineData("<foo_bar@mail-server.example.org>", "foo_bar@mail-server.example.org")]
    [InlineData("Mail anyone@whatever.com.", "anyone@whatever.com")]
    public void Detect_EmailAddress_ReturnsTypeAndExactPosition(string text, string email)
    {
        var finding = Assert.Single(Detector.Detect(text));

        Assert.Equal(PiiTypes.Email, finding.Type);
        Assert.Equal(text.IndexOf(email, StringComparison.Ordinal), finding.Start);
        Assert.Equal(email.Length, finding.Length);
    }

    [Theory]
    [InlineData("test@email.")]
    [InlineData("@email.com")]
    [InlineData("foo@_bar.com")]
    [InlineData("Alice@abc is not an address")]
    [InlineData("user@example.c")]
    public void Detect_MalformedEmail_NotDetected(string text) => Assert.Empty(Detector.Detect(text));

    [Theory]
    [InlineData("SSN: 536-90-4399.", "536-90-4399")]
    [InlineData("ssn 536 90 4399", "536 90 4399")]
    [InlineData("ssn 536.90.4399", "536.90.4399")]
    [InlineData("001-01-0001", "001-01-0001")]
    [InlineData("area 899: 899-99-9999", "899-99-9999")]
    public void Detect_StructurallyValidSsn_Detected(string text, string ssn)
    {
        var finding = Assert.Single(Detector.Detect(text));

        Assert.Equal(PiiTypes.Ssn, finding.Type);
        Assert.Equal(ssn, text.Substring(finding.Start, finding.Length));
    }

    [Theory]
    [InlineData("000-12-3456")] // area 000
    [InlineData("666-12-3456")] // area 666
    [InlineData("900-12-3456")] // area 9xx
    [InlineData("987-65-4321")] // area 9xx
    [InlineData("123-00-4567")] // group 00
    [InlineData("123-45-0000")] // serial 0000
    [InlineData("123-45.6789")] // mixed separators
    [InlineData("1123-45-6789")] // part of a longer number
    public void Detect_StructurallyInvalidSsn_NotDetected(string text) => Assert.Empty(Detector.Detect(text));

    [Theory]
    [InlineData("card 4111111111111111 expires", "4111111111111111")]
    [InlineData("card 4111 1111 1111 1111", "4111 1111 1111 1111")]
    [InlineData("card 4111-1111-1111-1111.", "4111-1111-1111-1111")]
    [InlineData("amex 378282246310005", "378282246310005")]
    [InlineData("amex 3782 822463 10005", "3782 822463 10005")]
    [InlineData("diners 3000 0000 0000 04", "3000 0000 0000 04")]
    [InlineData("discover 6011000990139424", "6011000990139424")]
    [InlineData("mc 2720428011723762", "2720428011723762")]
    [InlineData("visa19 4131034282458809939", "4131034282458809939")]
    public void Detect_LuhnValidCard_DetectedOnceAsCard(string text, string card)
    {
        var finding = Assert.Single(Detector.Detect(text));

        Assert.Equal(PiiTypes.CreditCard, finding.Type);
        Assert.Equal(card, text.Substring(finding.Start, finding.Length));
    }

    [Theory]
    [InlineData("4111111111111112")]
    [InlineData("4012-8888-8888-1882")]
    [InlineData("4222 2222 2222 2222")]
    [InlineData("36168002586008")]
    [InlineData("4624 7482 332")] // too short
    [InlineData("0000000000000000")] // no card network starts with 0
    [InlineData("ref 411111111111111112345")] // 23 digits: not a card
    public void Detect_LuhnInvalidOrNonCardNumber_NotDetected(string text) => Assert.Empty(Detector.Detect(text));

    [Theory]
    [InlineData("Call (415) 555-0132 now", "(415) 555-0132")]
    [InlineData("Call (415)555-0132 now", "(415)555-0132")]
    [InlineData("Call (415)-555-0132 now", "(415)-555-0132")]
    [InlineData("Call 415-555-0132 now", "415-555-0132")]
    [InlineData("Call 415.555.0132 now", "415.555.0132")]
    [InlineData("Call 415 555 0132 now", "415 555 0132")]
    [InlineData("Call 415 555-0132 now", "415 555-0132")]
    [InlineData("Call 4155550132 now", "4155550132")]
    [InlineData("Call +1 415-555-0132 now", "+1 415-555-0132")]
    [InlineData("Call 1-415-555-0132 now", "1-415-555-0132")]
    [InlineData("Call 312-515-2239 ext. 12 now", "312-515-2239 ext. 12")]
    [InlineData("Call +442071234567 now", "+442071234567")]
    [InlineData("My number-415-666-7777", "415-666-7777")]
    public void Detect_PhoneNumber_ReturnsExactSpan(string text, string phone)
    {
        var finding = Assert.Single(Detector.Detect(text));

        Assert.Equal(PiiTypes.Phone, finding.Type);
        Assert.Equal(phone, text.Substring(finding.Start, finding.Length));
    }

    [Theory]
    [InlineData("-2208960000 is a timestamp")]
    [InlineData("(123) 456-7890")] // area code cannot start with 1
    [InlineData("415-155-0132")] // exchange cannot start with 1
    [InlineData("2012-01-02 08:00")]
    [InlineData("order 234567890112")] // 12 digits
    [InlineData("3.4155550132")]
    [InlineData("650+253+1234")]
    [InlineData("ZIP 94105-1234, lat 37.7749")]
    public void Detect_NumberThatIsNotAPhone_NotDetected(string text) => Assert.Empty(Detector.Detect(text));

    [Fact]
    public void Detect_SeveralTypes_ReturnsThemInTextOrder()
    {
        var text = "Mail a@b.io, call 415-555-0132, SSN 536-90-4399, card 4111 1111 1111 1111.";

        var findings = Detector.Detect(text);

        Assert.Equal([PiiTypes.Email, PiiTypes.Phone, PiiTypes.Ssn, PiiTypes.CreditCard], findings.Select(f => f.Type));
        Assert.Equal(findings.OrderBy(f => f.Start), findings);
    }

    [Fact]
    public void Finding_ToString_NamesTypeAndPositionButNotTheValue()
    {
        var finding = Assert.Single(Detector.Detect("SSN 536-90-4399"));

        var text = finding.ToString();

        Assert.Equal("SSN at 4 (length 11)", text);
        Assert.DoesNotContain("536", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Redact_MixedText_MasksEachTypeAndKeepsEverythingElseExactly()
    {
        var text = "Héllo 👋\tmail a@b.io,\r\ncall (415) 555-0132; SSN 536-90-4399 — card 4111-1111-1111-1111!  ";

        var redacted = Detector.Redact(text);

        Assert.Equal("Héllo 👋\tmail [EMAIL],\r\ncall [PHONE]; SSN [SSN] — card [CREDIT_CARD]!  ", redacted);
    }

    [Fact]
    public void Redact_ReadmeExample_GivesTheDocumentedOutput()
    {
        var text = "Call 415-555-0132 or mail jane.doe@example.com; card 4111 1111 1111 1111.";

        Assert.Equal("PHONE at 5 (length 12)", Detector.Detect(text)[0].ToString());
        Assert.Equal("Call [PHONE] or mail [EMAIL]; card [CREDIT_CARD].", Detector.Redact(text));
    }

    [Fact]
    public void Redact_NothingFound_ReturnsSameInstance()
    {
        var text = "Reveal nothing: 12 apples, 3.5 kg, version 10.0.401.";

        Assert.Same(text, Detector.Redact(text));
    }

    [Fact]
    public void Redact_InvalidNumbers_LeftUntouched()
    {
        var text = "SSN 666-12-3456 and card 4111111111111112 stay as they are.";

        Assert.Equal(text, Detector.Redact(text));
    }

    [Fact]
    public void Detect_DisabledBuiltIn_DoesNotRun()
    {
        var options = new PiiDetectorOptions();
        options.DisabledRecognizers.Add("phone");
        var detector = new PiiDetector(options);

        var findings = detector.Detect("415-555-0132 or a@b.io");

        Assert.Equal(PiiTypes.Email, Assert.Single(findings).Type);
        Assert.DoesNotContain(PiiTypes.Phone, detector.RecognizerNames);
    }

    [Fact]
    public void Constructor_UnknownDisabledName_Throws()
    {
        var options = new PiiDetectorOptions();
        options.DisabledRecognizers.Add("PASSPORT");

        var ex = Assert.Throws<ArgumentException>(() => new PiiDetector(options));

        Assert.Contains("PASSPORT", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Detect_CustomPattern_FoundAndMaskedWithItsName()
    {
        var options = new PiiDetectorOptions();
        options.CustomPatterns["EMPLOYEE_ID"] = @"\bEMP-\d{6}\b";
        var detector = new PiiDetector(options);

        var text = "Badge EMP-123456 issued.";

        Assert.Equal(new PiiFinding("EMPLOYEE_ID", 6, 10), Assert.Single(detector.Detect(text)));
        Assert.Equal("Badge [EMPLOYEE_ID] issued.", detector.Redact(text));
    }

    [Fact]
    public void Detect_CustomRegexAndDelegate_BothRun()
    {
        var options = new PiiDetectorOptions();
        options.CustomRecognizers.Add(new PiiRecognizer("TICKET", new Regex(@"\bTCK\d+\b", RegexOptions.NonBacktracking)));
        options.CustomRecognizers.Add(new PiiRecognizer("NAME", text =>
            text.Contains("Ada", StringComparison.Ordinal) ? [new Range(text.IndexOf("Ada", StringComparison.Ordinal), text.IndexOf("Ada", StringComparison.Ordinal) + 3)] : []));
        var detector = new PiiDetector(options);

        Assert.Equal("[NAME] filed [TICKET].", detector.Redact("Ada filed TCK42."));
    }

    [Fact]
    public void Detect_CustomPatternWithLookaround_RunsOnBacktrackingEngine()
    {
        var options = new PiiDetectorOptions();
        options.CustomPatterns["IBAN_GB"] = @"(?<![A-Z])GB\d{2}[A-Z]{4}\d{14}\b";
        var detector = new PiiDetector(options);

        var finding = Assert.Single(detector.Detect("IBAN GB28JHYZ70389205223963 ok"));

        Assert.Equal(("IBAN_GB", 5, 22), (finding.Type, finding.Start, finding.Length));
    }

    [Fact]
    public void Detect_CustomFindingLongerThanPhone_WinsTheOverlap()
    {
        var options = new PiiDetectorOptions();
        options.CustomPatterns["ACCOUNT"] = @"\bACCT-\d{10}\b";
        var detector = new PiiDetector(options);

        var finding = Assert.Single(detector.Detect("ACCT-4155550132"));

        Assert.Equal(new PiiFinding("ACCOUNT", 0, 15), finding);
    }

    [Fact]
    public void Detect_CustomFindingSameSpanAsCard_CardWins()
    {
        var options = new PiiDetectorOptions();
        options.CustomPatterns["DIGITS16"] = @"\b\d{16}\b";
        var detector = new PiiDetector(options);

        var finding = Assert.Single(detector.Detect("4111111111111111"));

        Assert.Equal(PiiTypes.CreditCard, finding.Type);
    }

    [Theory]
    [InlineData("", "X")]
    [InlineData("9LIVES", "X")]
    [InlineData("HAS SPACE", "X")]
    [InlineData("EMAIL", "X")] // a built-in name
    public void Constructor_InvalidOrDuplicateCustomName_Throws(string name, string pattern)
    {
        var options = new PiiDetectorOptions();
        options.CustomPatterns[name] = pattern;

        Assert.Throws<ArgumentException>(() => new PiiDetector(options));
    }

    [Fact]
    public void Constructor_InvalidCustomPattern_ThrowsNamingIt()
    {
        var options = new PiiDetectorOptions();
        options.CustomPatterns["BROKEN"] = "(unclosed";

        var ex = Assert.Throws<ArgumentException>(() => new PiiDetector(options));

        Assert.Contains("(unclosed", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Redact_FindingsOutOfOrder_Throws()
    {
        PiiFinding[] findings = [new("EMAIL", 5, 3), new("PHONE", 2, 2)];

        Assert.Throws<ArgumentException>(() => PiiDetector.Redact("0123456789", findings));
    }

    public static TheoryData<string, string> AdversarialInputs() => new()
    {
        { "digits", new string('4', 1 << 20) },
        { "at-signs", Repeat("a@", 1 << 19) },
        { "dots", new string('.', 1 << 20) },
        { "dashes", new string('-', 1 << 20) },
        { "digit-dash", Repeat("1-", 1 << 19) },
        { "digit-space", Repeat("4 ", 1 << 19) },
        { "near-phones", Repeat("415-555-013 ", 1 << 16) },
        { "near-emails", Repeat("a.b-c@d-e.", 1 << 17) },
        { "phones", Repeat("(415) 555-0132 x", 1 << 16) },
    };

    [Theory]
    [MemberData(nameof(AdversarialInputs))]
    public void Detect_OneMegabyteAdversarialInput_ReturnsPromptly(string kind, string text)
    {
        var stopwatch = Stopwatch.StartNew();

        _ = Detector.Redact(text);

        // A guard against catastrophic backtracking, not a speed target (the benchmarks measure throughput).
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"{kind}: {stopwatch.Elapsed}");
    }

    private static string Repeat(string unit, int count) => new StringBuilder(unit.Length * count).Insert(0, unit, count).ToString();
}
