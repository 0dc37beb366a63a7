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
}
