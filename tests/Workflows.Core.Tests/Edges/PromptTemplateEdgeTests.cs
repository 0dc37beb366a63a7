namespace Workflows.Tests.Edges;

/// <summary>Templates whose last character is a brace: the documented <see cref="FormatException"/>, not an index error.</summary>
public sealed class PromptTemplateEdgeTests
{
    [Theory]
    [InlineData("Summarize {", 10)]
    [InlineData("{", 0)]
    [InlineData("{a} then {", 9)]
    public void Constructor_TemplateEndingInALoneOpeningBrace_ThrowsFormatExceptionWithPosition(string text, int position)
    {
        var error = Assert.Throws<FormatException>(() => new PromptTemplate(text));

        Assert.StartsWith($"The template has an unclosed '{{' at position {position}: ", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("Close the placeholder with '}' or write '{{' for a literal brace.", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Summarize }", 10)]
    [InlineData("}", 0)]
    public void Constructor_TemplateEndingInALoneClosingBrace_ThrowsFormatExceptionWithPosition(string text, int position)
    {
        var error = Assert.Throws<FormatException>(() => new PromptTemplate(text));

        Assert.StartsWith($"The template has a lone '}}' at position {position}: ", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ends with {{", "ends with {")]
    [InlineData("ends with }}", "ends with }")]
    [InlineData("{x}", "42")]
    [InlineData("value {x}", "value 42")]
    [InlineData("{x} value", "42 value")]
    public void Render_BracesAtTheEdges_RenderExactly(string text, string expected) =>
        Assert.Equal(expected, new PromptTemplate(text).Render(new Dictionary<string, object?> { ["x"] = 42 }));

    [Fact]
    public void Constructor_UnclosedBraceFarIntoALongTemplate_ExcerptIsTheFortyCharactersAroundIt()
    {
        var text = new string('a', 30) + "{" + new string('b', 30);

        var error = Assert.Throws<FormatException>(() => new PromptTemplate(text));

        Assert.Contains($"\"{new string('a', 20)}{{{new string('b', 19)}\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_PlaceholderNotAVariableName_MessageNamesThePatternAndTheEscape()
    {
        var error = Assert.Throws<FormatException>(() => new PromptTemplate("Reply with {not valid}"));

        Assert.Equal(
            "The template placeholder '{not valid}' at position 11 is not a valid variable name (pattern [A-Za-z_][A-Za-z0-9_.-]*). " +
            "Write '{{' and '}}' for literal braces.",
            error.Message);
    }

    [Fact]
    public void Render_ValueWhoseToStringReturnsNull_RendersAsEmpty() =>
        Assert.Equal("[]", new PromptTemplate("[{x}]").Render(new Dictionary<string, object?> { ["x"] = new NullText() }));

    [Fact]
    public void Render_ListAndDictionaryValues_OneLinePerItemAndNameValuePerEntry()
    {
        var variables = new Dictionary<string, object?>
        {
            ["list"] = new object?[] { "a", 2.5, null },
            ["outputs"] = new Dictionary<string, object?> { ["pros"] = "fast", ["cons"] = 3 }.AsReadOnly(),
        };

        Assert.Equal("a\n2.5\n|pros: fast\ncons: 3", new PromptTemplate("{list}|{outputs}").Render(variables));
    }

    private sealed class NullText
    {
        public override string? ToString() => null;
    }
}
