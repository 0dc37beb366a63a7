namespace Workflows.Tests.Safety;

/// <summary>The folding the injection patterns rely on, character class by character class, and its map back to the original.</summary>
public sealed class InjectionTextNormalizerTests
{
    [Theory]
    [InlineData("AZaz", "azaz")]
    [InlineData("@[`{", "@[`{")] // the characters just outside A-Z are not letters, so '@' (leetspeak next to a letter) stays
    [InlineData("  a", "a")] // leading white space is dropped
    [InlineData("a  \t b", "a b")]
    [InlineData("a \n\n b", "a\nb")] // a run that holds line breaks becomes one line break
    [InlineData("a\r\n\r\nb", "a\nb")]
    [InlineData("a\u00A0b", "a b")] // no-break space
    [InlineData("a\u3000b", "a b")] // ideographic space
    [InlineData("a\u2028b", "a\nb")] // line separator
    [InlineData("a\u2029b", "a\nb")] // paragraph separator
    [InlineData("a\u2028\u2029 b", "a\nb")]
    [InlineData("a\u0080\u0001b", "ab")] // control characters are dropped
    [InlineData("\uFFFF\uFFFEa", "\uFFFF\uFFFEa")] // noncharacters have no other form and are kept
    [InlineData("\uFDD0\uFDEF\U0001FFFF\U0010FFFE", "\uFDD0\uFDEF\U0001FFFF\U0010FFFE")]
    [InlineData("\uFDF2", "\u0627\u0644\u0644\u0647")] // the code point after them is a ligature and is decomposed
    [InlineData("\U000E0041\U000E007E\U000E0020\U000E007Fb", "a~ b")] // tag characters: 'A', '~', ' ' and the cancel tag (dropped)
    [InlineData("ign\U000E0100ore", "ignore")] // a supplementary variation selector (a mark) is dropped
    [InlineData("𝐈𝐆𝐍", "ign")] // mathematical bold capitals
    public void Normalize_FoldsEachCharacterClass(string text, string expected)
    {
        Assert.Equal(expected, InjectionTextNormalizer.Normalize(text).Text);
    }

    [Fact]
    public void Normalize_HalfOfASurrogatePair_BecomesTheReplacementCharacter()
    {
        // Text cut in the middle of a pair; built here, because test data with a lone surrogate does not survive serialization.
        Assert.Equal("x\uFFFD", InjectionTextNormalizer.Normalize("x" + '\uD835').Text);
        Assert.Equal("\uFFFDx", InjectionTextNormalizer.Normalize('\uDC00' + "x").Text);
        Assert.Equal("\uFFFD\uFFFDx", InjectionTextNormalizer.Normalize(string.Concat('\uDC00', '\uD835', "x")).Text);
        Assert.Empty(new PromptInjectionDetector().Detect("Hello " + '\uD835'));
    }

    [Theory]
    [InlineData("10us", "ious")] // a leet digit before another one that stands next to a letter
    [InlineData("pr3v10us", "previous")]
    [InlineData("s3", "se")]
    [InlineData("3", "3")]
    [InlineData("2024", "2024")]
    public void Normalize_LeetspeakInsideWords_ReadAsLetters(string text, string expected)
    {
        Assert.Equal(expected, InjectionTextNormalizer.Normalize(text).Text);
    }

    [Theory]
    [InlineData('0', true)]
    [InlineData('1', true)]
    [InlineData('3', true)]
    [InlineData('4', true)]
    [InlineData('5', true)]
    [InlineData('7', true)]
    [InlineData('2', false)]
    [InlineData('9', false)]
    public void Normalize_DigitBetweenALeetDigitAndALetter_CarriesTheLeetReading(char middle, bool isLeet)
    {
        // "3" stands next to no letter: it is read as "e" only when the digit after it is a leet digit followed by a letter.
        var folded = InjectionTextNormalizer.Normalize($"3{middle}a").Text;

        Assert.Equal(isLeet ? 'e' : '3', folded[0]);
    }

    [Fact]
    public void Normalize_TextThatGrowsWhenFolded_KeepsEveryCharacterAndItsOrigin()
    {
        // Ten ligatures fold to thirty letters: the buffers sized for ten characters have to grow twice.
        var text = string.Concat(Enumerable.Repeat("\uFB03", 10));

        var normalized = InjectionTextNormalizer.Normalize(text);

        Assert.Equal(string.Concat(Enumerable.Repeat("ffi", 10)), normalized.Text);
        Assert.Equal((9, 1), normalized.ToOriginal(27, 3));
        Assert.Equal((0, 10), normalized.ToOriginal(0, 30));
    }
}
