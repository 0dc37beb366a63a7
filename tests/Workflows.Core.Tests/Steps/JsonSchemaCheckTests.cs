using System.Text.Json;

namespace Workflows.Tests.Steps;

public sealed class JsonSchemaCheckTests
{
    private static IReadOnlyList<string> Check(string schema, string value)
    {
        using var s = JsonDocument.Parse(schema);
        using var v = JsonDocument.Parse(value);
        return JsonSchemaCheck.Validate(s.RootElement, v.RootElement);
    }

    [Theory]
    [InlineData("string", "\"x\"", "1")]
    [InlineData("number", "1.5", "\"1.5\"")]
    [InlineData("integer", "2", "2.5")]
    [InlineData("boolean", "true", "\"true\"")]
    [InlineData("null", "null", "0")]
    [InlineData("array", "[]", "{}")]
    [InlineData("object", "{}", "[]")]
    public void Validate_EachType_AcceptsItsKindAndRejectsAnother(string type, string good, string bad)
    {
        var schema = $$"""{"type": "{{type}}"}""";

        Assert.Empty(Check(schema, good));
        var error = Assert.Single(Check(schema, bad));
        Assert.StartsWith($"$ should be {type}, but is ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_TypeList_AcceptsAnyListedTypeAndNamesThemAll()
    {
        const string schema = """{"type": ["string", "null"]}""";

        Assert.Empty(Check(schema, "\"a\""));
        Assert.Empty(Check(schema, "null"));
        Assert.Equal(["$ should be string or null, but is a number"], Check(schema, "3"));
    }

    [Fact]
    public void Validate_ItemsOfArray_ErrorsNameEachIndex()
    {
        var errors = Check("""{"type": "array", "items": {"type": "string"}}""", """["ok", 1, true]""");

        Assert.Equal(["$[1] should be string, but is a number", "$[2] should be string, but is a boolean"], errors);
    }

    [Fact]
    public void Validate_ManyErrors_StopsAtTen()
    {
        var errors = Check("""{"type": "array", "items": {"type": "string"}}""", $"[{string.Join(",", Enumerable.Range(0, 30))}]");

        Assert.Equal(10, errors.Count);
    }

    [Fact]
    public void Validate_KeywordsOfTheWrongShape_AreIgnored()
    {
        Assert.Empty(Check("""{"enum": "a", "required": "x", "properties": [], "additionalProperties": true}""", """{"b": 1}"""));
        Assert.Empty(Check("true", "1"));
    }

    [Fact]
    public void Validate_ClosedObjectWithoutProperties_RejectsEveryProperty()
    {
        Assert.Equal(["$.a is not allowed by the schema"], Check("""{"type": "object", "additionalProperties": false}""", """{"a": 1}"""));
    }

    [Fact]
    public void Validate_NestedProperties_PathNamesTheProperty()
    {
        var errors = Check(
            """{"properties": {"outer": {"properties": {"inner": {"type": "integer"}}, "required": ["must"]}}}""",
            """{"outer": {"inner": "x"}}""");

        Assert.Equal(["$.outer.must is required but missing", "$.outer.inner should be integer, but is a string"], errors);
    }

    [Theory]
    [InlineData("""{"type": "date"}""", "1")] // a type the check does not know
    [InlineData("""{"type": 5}""", "1")] // a type that is neither a name nor a list
    [InlineData("""{"type": ["date", 5]}""", "1")]
    public void Validate_TypeItCannotJudge_AcceptsTheValue(string schema, string value)
    {
        Assert.Empty(Check(schema, value));
    }

    [Theory]
    [InlineData("null", "null")]
    [InlineData("true", "a boolean")]
    [InlineData("false", "a boolean")]
    [InlineData("1", "a number")]
    [InlineData("[]", "an array")]
    [InlineData("{}", "an object")]
    public void Validate_WrongType_NamesTheKindOfValue(string value, string kind)
    {
        var error = Assert.Single(Check("""{"type": "string"}""", value));

        Assert.Equal($"$ should be string, but is {kind}", error);
    }
}
