using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Workflows.Tests;

/// <summary>
/// The checked binder (shared source compiled into Workflows.Hosting and Workflows.Providers.OpenAI). This file is linked
/// into the test projects of both packages, so that each package's own copy is tested.
/// </summary>
public sealed class CheckedBinderTests
{
    public enum Mode
    {
        Fast,
        Careful,
    }

    [Fact]
    public void Bind_ValidValues_BindsEverySetting()
    {
        var options = Bind(new Dictionary<string, string?>
        {
            ["Demo:Count"] = "3",
            ["Demo:Total"] = "9000000000",
            ["Demo:Ratio"] = "0.25",
            ["Demo:Price"] = "1.5",
            ["Demo:Scale"] = "2.5",
            ["Demo:Enabled"] = "true",
            ["Demo:Timeout"] = "00:00:30",
            ["Demo:Endpoint"] = "http://localhost:8080/v1",
            ["Demo:Mode"] = "Careful",
            ["Demo:Limit"] = "12",
            ["Demo:Level"] = "4",
            ["Demo:Name"] = "demo",
            ["Demo:Budget:Count"] = "5",
            ["Demo:Steps:0:Count"] = "6",
            ["Demo:StepList:0:Count"] = "7",
            ["Demo:Routes:fast:Count"] = "8",
            ["Demo:RouteMap:slow:Count"] = "9",
            ["Demo:Tags:0"] = "first",
            ["Demo:Tags:1"] = "second",
        });

        Assert.Equal(3, options.Count);
        Assert.Equal(9_000_000_000L, options.Total);
        Assert.Equal(0.25, options.Ratio);
        Assert.Equal(1.5m, options.Price);
        Assert.Equal(2.5f, options.Scale);
        Assert.True(options.Enabled);
        Assert.Equal(TimeSpan.FromSeconds(30), options.Timeout);
        Assert.Equal(new Uri("http://localhost:8080/v1"), options.Endpoint);
        Assert.Equal(Mode.Careful, options.Mode);
        Assert.Equal(12, options.Limit);
        Assert.Equal((short)4, options.Level);
        Assert.Equal("demo", options.Name);
        Assert.Equal(5, options.Budget.Count);
        Assert.Equal(6, Assert.Single(options.Steps).Count);
        Assert.Equal(7, Assert.Single(options.StepList).Count);
        Assert.Equal(8, options.Routes["fast"].Count);
        Assert.Equal(9, options.RouteMap["slow"].Count);
        Assert.Equal(["first", "second"], options.Tags);
    }

    [Theory]
    [InlineData("Count", "abc", "whole number")]
    [InlineData("Count", "99999999999", "whole number")]
    [InlineData("Total", "12x", "whole number")]
    [InlineData("Limit", "twelve", "whole number")]
    [InlineData("Ratio", "1,5", "number (use '.' as the decimal separator)")]
    [InlineData("Price", "ten", "number (use '.' as the decimal separator)")]
    [InlineData("Scale", "x", "number (use '.' as the decimal separator)")]
    [InlineData("Enabled", "yes", "boolean (true or false)")]
    [InlineData("Timeout", "30s", "time span (hh:mm:ss, for example 00:00:30)")]
    [InlineData("Timeout", "99999999:00:00", "time span (hh:mm:ss, for example 00:00:30)")]
    [InlineData("Endpoint", "api.example.org/v1", "absolute URI (for example http://localhost:8080/v1)")]
    [InlineData("Mode", "Turbo", "value (allowed: Fast, Careful)")]
    [InlineData("Level", "70000", "Int16")]
    public void Bind_ValueOfTheWrongType_NamesKeyValueExpectedTypeAndVariable(string key, string value, string expected)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Bind(new Dictionary<string, string?> { [$"Demo:{key}"] = value }));

        Assert.Equal(
            $"Demo:{key} is '{value}', which is not a valid {expected}. " +
            $"Fix it in appsettings.json or config.yaml, or set the environment variable Demo__{key}.",
            Assert.Single(error.Failures));
    }

    [Fact]
    public void Bind_BadValueInTheWorkflowsSection_NamesBothEnvironmentVariables()
    {
        var error = Assert.Throws<OptionsValidationException>(() =>
            Bind(new Dictionary<string, string?> { ["GenAiWorkflows:Count"] = "many" }, section: "GenAiWorkflows"));

        Assert.Equal(
            "GenAiWorkflows:Count is 'many', which is not a valid whole number. " +
            "Fix it in appsettings.json or config.yaml, or set the environment variable GenAiWorkflows__Count (or GENAI_WORKFLOW_COUNT).",
            Assert.Single(error.Failures));
    }

    [Fact]
    public void Bind_SeveralBadValues_ReportsEachOneAndBindsNothing()
    {
        var configuration = Configuration(new Dictionary<string, string?>
        {
            ["Demo:Count"] = "abc",
            ["Demo:Enabled"] = "maybe",
            ["Demo:Name"] = "not bound",
        });
        var options = new DemoOptions();

        var error = Assert.Throws<OptionsValidationException>(() => CheckedBinder.Bind(configuration.GetSection("Demo"), options));

        Assert.Equal(2, error.Failures.Count());
        Assert.Contains(error.Failures, static f => f.StartsWith("Demo:Count is 'abc'", StringComparison.Ordinal));
        Assert.Contains(error.Failures, static f => f.StartsWith("Demo:Enabled is 'maybe'", StringComparison.Ordinal));
        Assert.Equal(typeof(DemoOptions), error.OptionsType);
        Assert.Equal(Options.DefaultName, error.OptionsName);
        Assert.Null(options.Name);
        Assert.Equal(7, options.Count);
    }

    [Fact]
    public void Bind_BadValueWithOptionsName_ReportsThatName()
    {
        var configuration = Configuration(new Dictionary<string, string?> { ["Demo:Count"] = "abc" });

        var error = Assert.Throws<OptionsValidationException>(() => CheckedBinder.Bind(configuration.GetSection("Demo"), new DemoOptions(), "openai"));

        Assert.Equal("openai", error.OptionsName);
    }

    [Fact]
    public void Bind_AllowedValuesKnown_AddsThemToTopLevelSettingsOnly()
    {
        var configuration = Configuration(new Dictionary<string, string?>
        {
            ["Demo:Count"] = "abc",
            ["Demo:Ratio"] = "x",
            ["Demo:Budget:Count"] = "abc",
        });

        var error = Assert.Throws<OptionsValidationException>(() => CheckedBinder.Bind(
            configuration.GetSection("Demo"), new DemoOptions(), allowed: static name => name == "Count" ? "from 1 to 10" : null));

        string[] expected =
            [
                "Demo:Count is 'abc', which is not a valid whole number; it must be from 1 to 10. Fix it in appsettings.json or config.yaml, or set the environment variable Demo__Count.",
                "Demo:Ratio is 'x', which is not a valid number (use '.' as the decimal separator). Fix it in appsettings.json or config.yaml, or set the environment variable Demo__Ratio.",
                "Demo:Budget:Count is 'abc', which is not a valid whole number. Fix it in appsettings.json or config.yaml, or set the environment variable Demo__Budget__Count.",
            ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), error.Failures.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Bind_EmptyValueForNullableSetting_ClearsIt()
    {
        var options = Bind(new Dictionary<string, string?> { ["Demo:Limit"] = string.Empty, ["Demo:Count"] = "4" });

        Assert.Null(options.Limit);
        Assert.Equal(4, options.Count);
    }

    [Theory]
    [InlineData("Demo:Budget:Count", "Demo__Budget__Count")]
    [InlineData("Demo:Steps:1:Count", "Demo__Steps__1__Count")]
    [InlineData("Demo:StepList:0:Count", "Demo__StepList__0__Count")]
    [InlineData("Demo:Routes:fast:Count", "Demo__Routes__fast__Count")]
    [InlineData("Demo:RouteMap:slow:Count", "Demo__RouteMap__slow__Count")]
    public void Bind_BadValueInNestedObjectListItemOrDictionaryEntry_NamesItsFullPath(string key, string variable)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Bind(new Dictionary<string, string?>
        {
            ["Demo:Steps:0:Count"] = "1",
            ["Demo:Tags:0"] = "tag",
            [key] = "lots",
        }));

        Assert.Equal(
            $"{key} is 'lots', which is not a valid whole number. Fix it in appsettings.json or config.yaml, or set the environment variable {variable}.",
            Assert.Single(error.Failures));
    }

    [Theory]
    [InlineData("Child:", 32)]
    [InlineData("Children:0:", 32)]
    public void Bind_BadValueAtTheDeepestCheckedLevel_IsReported(string level, int depth)
    {
        // 32 levels of nested settings objects (or list items) below the section are checked.
        var key = "Demo:" + string.Concat(Enumerable.Repeat(level, depth)) + "Value";
        var configuration = Configuration(new Dictionary<string, string?> { [key] = "deep" });

        var error = Assert.Throws<OptionsValidationException>(() => CheckedBinder.Bind(configuration.GetSection("Demo"), new Node()));

        Assert.StartsWith($"{key} is 'deep', which is not a valid whole number.", Assert.Single(error.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_BadValueBelowTheDeepestCheckedLevel_IsLeftToTheConfigurationBinder()
    {
        // A recursive settings type is checked 32 levels deep, no further; deeper values get the binder's own error.
        var key = "Demo:" + string.Concat(Enumerable.Repeat("Child:", 33)) + "Value";
        var configuration = Configuration(new Dictionary<string, string?> { [key] = "deep" });

        var error = Assert.Throws<InvalidOperationException>(() => CheckedBinder.Bind(configuration.GetSection("Demo"), new Node()));

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_BadValueInListItemsBelowTheDeepestCheckedLevel_IsNotReported()
    {
        // List items are checked 32 levels deep too, no further; the configuration binder then skips the item it cannot
        // bind without an error (a limit of the check, not a choice: settings do not nest that deep).
        var key = "Demo:" + string.Concat(Enumerable.Repeat("Children:0:", 33)) + "Value";
        var configuration = Configuration(new Dictionary<string, string?> { [key] = "deep" });
        var options = new Node();

        CheckedBinder.Bind(configuration.GetSection("Demo"), options);

        Assert.Single(options.Children);
    }

    [Fact]
    public void Bind_BadValueInsideAGenericSettingsObjectThatIsNoCollection_IsReportedWithItsPath()
    {
        // Holder<Item> is a settings object of its own (checked property by property), not a list of Item.
        var error = Assert.Throws<OptionsValidationException>(() => Bind(new Dictionary<string, string?>
        {
            ["Demo:Pair:Size"] = "large",
            ["Demo:Pair:Value:Count"] = "2",
        }));

        Assert.StartsWith("Demo:Pair:Size is 'large', which is not a valid whole number.", Assert.Single(error.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_BadValueForAGetOnlySetting_IsReportedLikeAnyOther()
    {
        // The configuration binder converts values of get-only properties too (and fails on them with its own
        // message), so they are checked like the others.
        var error = Assert.Throws<OptionsValidationException>(() => Bind(new Dictionary<string, string?> { ["Demo:Computed"] = "not a number" }));

        Assert.StartsWith("Demo:Computed is 'not a number', which is not a valid whole number.", Assert.Single(error.Failures), StringComparison.Ordinal);
    }

    private static DemoOptions Bind(Dictionary<string, string?> settings, string section = "Demo")
    {
        var options = new DemoOptions();
        CheckedBinder.Bind(Configuration(settings).GetSection(section), options);
        return options;
    }

    private static IConfigurationRoot Configuration(Dictionary<string, string?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build();

    public sealed class DemoOptions
    {
        public int Count { get; set; } = 7;

        public long Total { get; set; }

        public double Ratio { get; set; }

        public decimal Price { get; set; }

        public float Scale { get; set; }

        public bool Enabled { get; set; }

        public TimeSpan Timeout { get; set; }

        public Uri? Endpoint { get; set; }

        public Mode Mode { get; set; }

        public int? Limit { get; set; } = 1;

        public short Level { get; set; }

        public string? Name { get; set; }

        public Item Budget { get; set; } = new();

        public IList<Item> Steps { get; } = [];

        public List<Item> StepList { get; } = [];

        public IDictionary<string, Item> Routes { get; } = new Dictionary<string, Item>(StringComparer.OrdinalIgnoreCase);

        public Dictionary<string, Item> RouteMap { get; } = new(StringComparer.OrdinalIgnoreCase);

        public List<string> Tags { get; } = [];

        public Holder<Item> Pair { get; set; } = new();

        public int Computed { get; } = 5;
    }

    public sealed class Holder<T>
        where T : class
    {
        public int Size { get; set; }

        public T? Value { get; set; }
    }

    public sealed class Item
    {
        public int Count { get; set; }
    }

    public sealed class Node
    {
        public int Value { get; set; }

        public Node? Child { get; set; }

        public IList<Node> Children { get; } = [];
    }
}
