using System.Globalization;

namespace Workflows.Tests.Steps;

public sealed class PromptTemplateTests
{
    private static Dictionary<string, object?> Vars(params (string Name, object? Value)[] values) =>
        values.ToDictionary(static v => v.Name, static v => v.Value);

    [Fact]
    public void Render_Variables_SubstitutesEachOccurrence()
    {
        var template = new PromptTemplate("Dear {name}, {greeting} {name}! Step: {draft.v2-final}");

        var text = template.Render(Vars(("name", "Ada"), ("greeting", "hello"), ("draft.v2-final", "ok")));

        Assert.Equal("Dear Ada, hello Ada! Step: ok", text);
        Assert.Equal(["name", "greeting", "draft.v2-final"], template.Variables);
    }

    [Theory]
    [InlineData("{{literal}}", "{literal}")]
    [InlineData("json: {{\"a\": {x}}}", "json: {\"a\": 42}")]
    [InlineData("{{{x}}}", "{42}")]
    [InlineData("}}{{", "}{")]
    [InlineData("no placeholders", "no placeholders")]
    [InlineData("", "")]
    public void Render_Escapes_ProduceLiteralBraces(string text, string expected)
    {
        var template = new PromptTemplate(text);

        Assert.Equal(expected, template.Render(Vars(("x", 42))));
    }

    [Fact]
    public void Variables_EscapedBraces_AreNotVariables()
    {
        Assert.Empty(new PromptTemplate("{{name}}").Variables);
    }

    [Theory]
    [InlineData("Hello {name", 6, "unclosed")]
    [InlineData("a } b", 2, "lone '}'")]
    [InlineData("x {} y", 2, "not a valid variable name")]
    [InlineData("x { name } y", 2, "not a valid variable name")]
    [InlineData("{1st}", 0, "not a valid variable name")]
    [InlineData("ok {a} then {b c}", 12, "not a valid variable name")]
    [InlineData("x {name\n} y", 2, "not a valid variable name")]
    public void Constructor_MalformedTemplate_ThrowsFormatExceptionWithPosition(string text, int position, string reason)
    {
        var ex = Assert.Throws<FormatException>(() => new PromptTemplate(text));

        Assert.Contains($"position {position}", ex.Message, StringComparison.Ordinal);
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_MissingVariable_ThrowsNamingStepVariableAndAvailableNames()
    {
        var template = new PromptTemplate("Summarize {draft} for {audience}");

        var ex = Assert.Throws<TemplateVariableMissingException>(
            () => template.Render(Vars(("draft", "text"), ("topic", "t")), stepName: "summary"));

        Assert.Equal("summary", ex.StepName);
        Assert.Equal("audience", ex.VariableName);
        Assert.Contains("'summary'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("{audience}", ex.Message, StringComparison.Ordinal);
        Assert.Contains("draft, topic", ex.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<StepException>(ex);
    }

    [Fact]
    public void Render_NullValue_RendersEmpty()
    {
        Assert.Equal("[]", new PromptTemplate("[{x}]").Render(Vars(("x", null))));
    }

    [Fact]
    public void Render_FormattableValues_UseInvariantCulture()
    {
        var previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = new CultureInfo("de-DE");
        try
        {
            var text = new PromptTemplate("{price} {when}").Render(
                Vars(("price", 1234.5), ("when", new DateTime(2024, 3, 1, 0, 0, 0, DateTimeKind.Utc))));

            Assert.Equal("1234.5 03/01/2024 00:00:00", text);
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void Render_ConcurrentCallers_EachGetsOwnValues()
    {
        var template = new PromptTemplate("item {i} of {n}");

        var results = Enumerable.Range(0, 200).AsParallel()
            .Select(i => (i, text: template.Render(Vars(("i", i), ("n", 200)))))
            .ToArray();

        Assert.All(results, r => Assert.Equal($"item {r.i} of 200", r.text));
    }

    [Fact]
    public void Format_AnyOtherObject_ItsTextOrEmptyWhenItHasNone()
    {
        Assert.Equal("Point { X = 1, Y = 2 }", PromptTemplate.Format(new Point(1, 2)));
        Assert.Equal(string.Empty, PromptTemplate.Format(new NoText()));
        Assert.Equal("At Point { X = 1, Y = 2 }.", new PromptTemplate("At {p}.").Render(new Dictionary<string, object?> { ["p"] = new Point(1, 2) }));
    }

    private sealed record Point(int X, int Y);

    private sealed class NoText
    {
        public override string? ToString() => null;
    }
}
