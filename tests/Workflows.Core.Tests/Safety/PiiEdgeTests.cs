using System.Text.RegularExpressions;

namespace Workflows.Tests.Safety;

/// <summary>
/// The PII detector at its edges: the checks a pattern cannot make (card networks, SSN ranges, North American numbers,
/// the characters around a number), which recognizer wins an overlap, empty matches, and its arguments.
/// </summary>
public sealed class PiiEdgeTests
{
    private static readonly PiiDetector Detector = new();

    [Theory]
    [InlineData("8100000000000002", true)] // UnionPay 81
    [InlineData("8000000000000003", false)] // 8 without a 1 after it: no network
    [InlineData("1000000000000008", false)]
    [InlineData("7000000000000005", false)]
    [InlineData("9000000000000001", false)]
    [InlineData("2000000000000006", true)]
    [InlineData("6000000000000007", true)]
    [InlineData("4000000000000002", true)]
    [InlineData("4000000000000003", false)] // fails the Luhn check
    [InlineData("400000000002", false)] // 12 digits
    [InlineData("40000000000000000006", false)] // 20 digits
    [InlineData("4000 0000 0000 0000 0000 0000 0000 0000 02", false)] // more digits than any card: not even counted
    public void IsCardNumber_NetworkPrefixLuhnAndLength(string candidate, bool expected)
    {
        Assert.Equal(expected, PiiValidation.IsCardNumber(candidate));
    }

    [Theory]
    [InlineData("219-09-9999", true)]
    [InlineData("219-09-0100", true)] // serial 0100
    [InlineData("219-09-0010", true)] // serial 0010
    [InlineData("219-09-0001", true)]
    [InlineData("219-10-1234", true)] // group 10
    [InlineData("219-01-1234", true)]
    [InlineData("219-00-1234", false)] // group 00
    [InlineData("219-09-0000", false)] // serial 0000
    [InlineData("000-09-1234", false)]
    [InlineData("666-09-1234", false)]
    [InlineData("900-09-1234", false)]
    [InlineData("899-09-1234", true)]
    [InlineData("219-09-123", false)] // eight digits
    [InlineData("219-09-12345", false)] // ten digits
    public void IsSsn_AreaGroupAndSerialRanges(string candidate, bool expected)
    {
        Assert.Equal(expected, PiiValidation.IsSsn(candidate));
    }

    [Theory]
    [InlineData("2125550134", true)]
    [InlineData("12125550134", true)] // country code 1
    [InlineData("22125550134", false)] // eleven digits not starting with 1
    [InlineData("1125550134", false)] // area code starting with 1
    [InlineData("2121550134", false)] // exchange starting with 1
    [InlineData("212555013", false)]
    [InlineData("212-555-0134 x12", true)] // the extension is not part of the number
    public void IsNanpNumber_AreaCodeExchangeAndCountryCode(string candidate, bool expected)
    {
        Assert.Equal(expected, PiiValidation.IsNanpNumber(candidate));
    }

    [Theory]
    [InlineData("#", true)]
    [InlineData("/", true)]
    [InlineData("_", true)]
    [InlineData("@", true)]
    [InlineData("\\", true)]
    [InlineData("=", true)]
    [InlineData("+", true)]
    [InlineData("a", true)]
    [InlineData("7", true)]
    [InlineData(" ", false)]
    [InlineData(":", false)]
    [InlineData("(", false)]
    [InlineData("-", true)] // a signed number at the start of the text
    [InlineData("x-", false)] // "number-415...": a word, then a separator
    [InlineData("1-", true)]
    [InlineData(" -", true)]
    [InlineData("ab.", false)]
    [InlineData("", false)]
    public void HasNumericPrefix_TheCharactersBeforeTheMatch(string before, bool expected)
    {
        Assert.Equal(expected, PiiValidation.HasNumericPrefix(before + "2125550134", before.Length));
    }

    [Theory]
    [InlineData("", false)]
    [InlineData(" ", false)]
    [InlineData("a", true)]
    [InlineData("7", true)]
    [InlineData("_", true)]
    [InlineData("-5", true)]
    [InlineData(".25", true)]
    [InlineData("/7", true)]
    [InlineData("-", false)] // a separator at the end of the text
    [InlineData(".", false)]
    [InlineData("- 5", false)]
    [InlineData(",5", false)]
    [InlineData("-x", false)]
    public void HasNumericSuffix_TheCharactersAfterTheMatch(string after, bool expected)
    {
        Assert.Equal(expected, PiiValidation.HasNumericSuffix("2125550134" + after, 10));
    }

    [Fact]
    public void Detect_RejectedNumberFollowedByAValidOne_FindsTheValidOne()
    {
        // 000-12-3456 is not an SSN (area 000); the search goes on and finds the real one after it.
        var finding = Assert.Single(Detector.Detect("ids 000-12-3456 and 219-09-9999"));

        Assert.Equal((PiiTypes.Ssn, 20, 11), (finding.Type, finding.Start, finding.Length));
    }

    [Fact]
    public void Detect_TwoCustomRecognizersOnTheSameText_TheOneListedFirstWins()
    {
        var options = new PiiDetectorOptions();
        options.CustomRecognizers.Add(new PiiRecognizer("BADGE", @"\bB-\d{4}\b"));
        options.CustomRecognizers.Add(new PiiRecognizer("ROOM", @"\bB-\d{4}\b"));

        var finding = Assert.Single(new PiiDetector(options).Detect("see B-1234 today"));

        Assert.Equal("BADGE", finding.Type);
    }

    [Fact]
    public void Detect_ManyEqualOverlaps_TheBuiltInRecognizerWinsEveryOne()
    {
        // Forty candidates of equal length: enough for the sort to stop being an insertion sort, so only the priority
        // decides, every time, that the built-in EMAIL wins over the custom recognizer listed after it.
        var options = new PiiDetectorOptions();
        options.CustomPatterns["CONTACT"] = @"[a-z]+\d*@example\.com";
        var text = string.Join(" and ", Enumerable.Range(0, 20).Select(i => $"ada{i}@example.com"));

        var findings = new PiiDetector(options).Detect(text);

        Assert.Equal(20, findings.Count);
        Assert.All(findings, f => Assert.Equal(PiiTypes.Email, f.Type));
        Assert.Equal(findings.OrderBy(f => f.Start), findings);
    }

    [Fact]
    public void Detect_OverlapsOfEqualLengthFromOneRecognizer_TheEarlierWins()
    {
        var options = new PiiDetectorOptions();
        options.CustomRecognizers.Add(new PiiRecognizer("CODE", text => [new Range(2, 7), new Range(0, 5)]));

        var finding = Assert.Single(new PiiDetector(options).Detect("abcdefgh"));

        Assert.Equal((0, 5), (finding.Start, finding.Length));
    }

    [Fact]
    public void Detect_CustomRecognizersThatMatchEmptyText_FindNothingThere()
    {
        var options = new PiiDetectorOptions();
        options.CustomRecognizers.Add(new PiiRecognizer("MAYBE", "(?:B-\\d{4})?"));
        options.CustomRecognizers.Add(new PiiRecognizer("EMPTY", text => [new Range(2, 2), new Range(0, 1)]));

        var findings = new PiiDetector(options).Detect("ab");

        var finding = Assert.Single(findings);
        Assert.Equal(("EMPTY", 0, 1), (finding.Type, finding.Start, finding.Length));
    }

    [Fact]
    public void Detect_EmptyText_FindsNothing()
    {
        Assert.Empty(Detector.Detect(string.Empty));
        Assert.Same(string.Empty, Detector.Redact(string.Empty));
    }

    [Fact]
    public void NullArguments_ThrowNamingThem()
    {
        Assert.Equal("options", Assert.Throws<ArgumentNullException>(() => new PiiDetector(null!)).ParamName);
        Assert.Equal("text", Assert.Throws<ArgumentNullException>(() => Detector.Detect(null!)).ParamName);
        Assert.Equal("text", Assert.Throws<ArgumentNullException>(() => PiiDetector.Redact(null!, [])).ParamName);
        Assert.Equal("findings", Assert.Throws<ArgumentNullException>(() => PiiDetector.Redact("text", null!)).ParamName);
        Assert.Equal("regex", Assert.Throws<ArgumentNullException>(() => new PiiRecognizer("ID", (Regex)null!)).ParamName);
        Assert.Equal("find", Assert.Throws<ArgumentNullException>(() => new PiiRecognizer("ID", (Func<string, IEnumerable<Range>>)null!)).ParamName);
        Assert.Equal("name", Assert.Throws<ArgumentNullException>(() => new PiiRecognizer(null!, "x")).ParamName);
    }

    [Fact]
    public void CustomPattern_NullPattern_ThrowsNamingTheCallersParameter()
    {
        var injection = new PromptInjectionDetectorOptions();
        injection.CustomPatterns["wire-money"] = null!;

        Assert.Equal("pattern", Assert.Throws<ArgumentNullException>(() => new PiiRecognizer("ID", (string)null!)).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentNullException>(() => new PromptInjectionDetector(injection)).ParamName);
    }

    [Fact]
    public void CustomPattern_NestedQuantifiers_RunOnTheLinearEngine()
    {
        // On the backtracking engine this pattern takes about 2^40 steps on this text; on the linear one it is immediate.
        var options = new PiiDetectorOptions();
        options.CustomPatterns["RUN"] = "(a+)+$";

        Assert.Empty(new PiiDetector(options).Detect(new string('a', 40) + "b"));
    }

    [Fact]
    public void Constructor_UnknownDisabledName_MessageListsTheBuiltInRecognizers()
    {
        var options = new PiiDetectorOptions();
        options.DisabledRecognizers.Add("PASSPORT");

        var ex = Assert.Throws<ArgumentException>(() => new PiiDetector(options));

        Assert.Equal("options", ex.ParamName);
        Assert.StartsWith(
            "'PASSPORT' is not a built-in PII recognizer; the built-in ones are EMAIL, CREDIT_CARD, SSN, PHONE.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_NullOrDuplicateCustomRecognizer_ThrowsSayingWhich()
    {
        var withNull = new PiiDetectorOptions();
        withNull.CustomRecognizers.Add(null!);
        var twice = new PiiDetectorOptions();
        twice.CustomPatterns["BADGE"] = "B-\\d+";
        twice.CustomRecognizers.Add(new PiiRecognizer("badge", "x"));

        var nullError = Assert.Throws<ArgumentException>(() => new PiiDetector(withNull));
        var twiceError = Assert.Throws<ArgumentException>(() => new PiiDetector(twice));

        Assert.StartsWith("A custom recognizer is null.", nullError.Message, StringComparison.Ordinal);
        Assert.Equal("options", nullError.ParamName);
        Assert.StartsWith("The PII recognizer name 'badge' is used twice.", twiceError.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Redact_FindingOutsideTheText_ThrowsNamingIt()
    {
        var ex = Assert.Throws<ArgumentException>(() => PiiDetector.Redact("abc", [new PiiFinding("SSN", 1, 5)]));

        Assert.Equal("findings", ex.ParamName);
        Assert.StartsWith("The finding SSN at 1 (length 5) lies outside the text or overlaps the one before it.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Redact_EmptyFinding_InsertsItsMaskAndKeepsTheText()
    {
        Assert.Equal("a[X]bc", PiiDetector.Redact("abc", [new PiiFinding("X", 1, 0)]));
        Assert.Throws<ArgumentException>(() => PiiDetector.Redact("abc", [new PiiFinding("X", 1, -1)]));
    }
}
