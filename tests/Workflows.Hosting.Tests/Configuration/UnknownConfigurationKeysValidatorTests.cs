using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Workflows.Hosting.Tests.TestSupport;

namespace Workflows.Hosting.Tests.Configuration;

public sealed class UnknownConfigurationKeysValidatorTests
{
    private static async Task<OptionsValidationException> StartFailsAsync(TestHost test, Action<IWorkflowsBuilder>? configure = null)
    {
        test.Services(s => s.AddGenAiWorkflows(wf => configure?.Invoke(wf)));
        using var host = test.Build();
        return await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync().WaitAsync(TestHost.Timeout));
    }

    private static async Task StartsAsync(TestHost test, Action<IWorkflowsBuilder>? configure = null)
    {
        test.Services(s => s.AddGenAiWorkflows(wf => configure?.Invoke(wf)));
        using var host = test.Build();
        await host.StartAsync().WaitAsync(TestHost.Timeout);
        await host.StopAsync().WaitAsync(TestHost.Timeout);
    }

    [Fact]
    public async Task Validate_TypoAtTopLevel_NamesKeyAndNearestValidKey()
    {
        using var test = TestHost.Create();
        test.Configure(("GenAiWorkflows:Temprature", "0.5"));

        var ex = await StartFailsAsync(test);

        Assert.Contains("GenAiWorkflows:Temprature is not a known setting", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Did you mean GenAiWorkflows:Temperature?", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_TypoInSafetySection_NamesKeyAndNearestValidKey()
    {
        using var test = TestHost.Create();
        test.Configure(("GenAiWorkflows:Safety:Pii:Enabeld", "true"));

        var ex = await StartFailsAsync(test);

        Assert.Contains("GenAiWorkflows:Safety:Pii:Enabeld is not a known setting", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Did you mean GenAiWorkflows:Safety:Pii:Enabled?", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_KnownSafetyKeys_Start()
    {
        using var test = TestHost.Create();
        test.Configure(("GenAiWorkflows:Safety:Pii:Enabled", "true"), ("GenAiWorkflows:Safety:PromptInjection:Action", "Warn"));

        await StartsAsync(test);
    }

    [Fact]
    public async Task Validate_TypoInYaml_NamesTheFile()
    {
        using var test = TestHost.Create(static root => File.WriteAllText(
            Path.Combine(root, "config.yaml"), "GenAiWorkflows:\n  MaxTokes: 10\n"));
        test.Builder.Configuration.AddGenAiWorkflowsConfiguration();

        var ex = await StartFailsAsync(test);

        Assert.Contains("GenAiWorkflows:MaxTokes is not a known setting (set in 'config.yaml')", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Did you mean GenAiWorkflows:MaxTokens?", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_TypoInNestedSections_NamesFullPath()
    {
        using var test = TestHost.Create();
        test.Configure(
            ("GenAiWorkflows:Budget:MaxCost", "1"),
            ("GenAiWorkflows:Workflows:article:Steps:0:Name", "outline"),
            ("GenAiWorkflows:Workflows:article:Steps:0:Prompt", "Outline {topic}"),
            ("GenAiWorkflows:Workflows:article:Steps:0:Modle", "gpt-4o-mini"),
            ("GenAiWorkflows:Pricing:my-model:InputPerMillion", "1"));

        var ex = await StartFailsAsync(test);

        Assert.Contains("Did you mean GenAiWorkflows:Budget:MaxCostUsd?", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Did you mean GenAiWorkflows:Workflows:article:Steps:0:Model?", ex.Message, StringComparison.Ordinal);
        Assert.Contains("GenAiWorkflows:Pricing:my-model:InputPerMillion is not a known setting", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_NothingClose_ListsValidKeys()
    {
        using var test = TestHost.Create();
        test.Configure(("GenAiWorkflows:Colour", "blue"));

        var ex = await StartFailsAsync(test);

        Assert.Contains("The settings here are:", ex.Message, StringComparison.Ordinal);
        Assert.Contains("DefaultModel", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Providers", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_ProviderKeysAndDeclaredSections_AreLeftToTheirOwners()
    {
        using var test = TestHost.Create();
        test.Configure(
            ("GenAiWorkflows:Providers:openai:Endpoint", "http://localhost:8080/v1"),
            ("GenAiWorkflows:Providers:anything:WhateverItReads", "x"),
            ("GenAiWorkflows:Routing:Blocklist:0", "secret project"),
            ("GenAiWorkflows:temperature", "0.5"),
            ("GenAiWorkflows:Workflows:article:Steps:0:Name", "outline"),
            ("GenAiWorkflows:Workflows:article:Steps:0:Prompt", "Outline {topic}"),
            ("GenAiWorkflows:Workflows:article:Budget:MaxTokens", "100"));

        await StartsAsync(test, static wf => wf.AddConfigurationSection("Routing"));
    }

    [Fact]
    public async Task Validate_UndeclaredSection_IsReported()
    {
        using var test = TestHost.Create();
        test.Configure(("GenAiWorkflows:Routing:Blocklist:0", "secret project"));

        var ex = await StartFailsAsync(test);

        Assert.Contains("GenAiWorkflows:Routing is not a known setting", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_UnknownKey_FullMessageListsTheSettingsInOrder()
    {
        using var test = TestHost.Create(static root => File.WriteAllText(
            Path.Combine(root, "config.yaml"), "GenAiWorkflows:\n  Budget:\n    Colour: blue\n"));
        test.Builder.Configuration.AddGenAiWorkflowsConfiguration();

        var ex = await StartFailsAsync(test);

        // HasLimits is computed (get-only), so it is not a setting.
        Assert.Equal(
            "GenAiWorkflows:Budget:Colour is not a known setting (set in 'config.yaml'), so it would be ignored. " +
            "The settings here are: MaxCostUsd, MaxTokens. Fix or remove the key in appsettings.json, config.yaml or the environment.",
            Assert.Single(ex.Failures));
    }

    [Fact]
    public async Task Validate_ComputedProperty_IsNotASetting()
    {
        using var test = TestHost.Create();
        test.Configure(("GenAiWorkflows:RunTimeout", "00:01:00"));

        var ex = await StartFailsAsync(test);

        Assert.Contains("GenAiWorkflows:RunTimeout is not a known setting", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_UnknownSectionInYaml_NamesTheFile()
    {
        using var test = TestHost.Create(static root => File.WriteAllText(
            Path.Combine(root, "config.yaml"), "GenAiWorkflows:\n  Routing:\n    Blocklist:\n      - secret project\n"));
        test.Builder.Configuration.AddGenAiWorkflowsConfiguration();

        var ex = await StartFailsAsync(test);

        Assert.Contains("GenAiWorkflows:Routing is not a known setting (set in 'config.yaml'), so it would be ignored.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_UnknownKeyWithoutValue_IsReportedWithoutASource()
    {
        using var test = TestHost.Create();
        test.Configure(("GenAiWorkflows:Colour", null));

        var ex = await StartFailsAsync(test);

        Assert.Contains("GenAiWorkflows:Colour is not a known setting, so it would be ignored.", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Temp", "Temperature")]        // four characters that start a setting: shortened
    [InlineData("Tempreature", "Temperature")]
    public async Task Validate_CloseKey_SuggestsTheSetting(string key, string suggestion)
    {
        using var test = TestHost.Create();
        test.Configure(($"GenAiWorkflows:{key}", "0.5"));

        var ex = await StartFailsAsync(test);

        Assert.Contains($"Did you mean GenAiWorkflows:{suggestion}?", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_KeyAsCloseToTwoSettings_SuggestsTheFirstDeclared()
    {
        using var test = TestHost.Create();
        test.Configure(
            ("GenAiWorkflows:Workflows:article:Steps:0:Name", "outline"),
            ("GenAiWorkflows:Workflows:article:Steps:0:Prompt", "Outline {topic}"),
            ("GenAiWorkflows:Workflows:article:Steps:0:Toop", "0.9"));

        var ex = await StartFailsAsync(test);

        // One edit from both TopP and Loop.
        Assert.Contains("Did you mean GenAiWorkflows:Workflows:article:Steps:0:TopP?", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Zz")]
    [InlineData("Tokens")]      // three edits from MaxTokens
    [InlineData("Budgxtyz")]    // three edits from Budget
    public async Task Validate_KeyNotCloseToAnySetting_ListsTheSettings(string key)
    {
        using var test = TestHost.Create();
        test.Configure(($"GenAiWorkflows:{key}", "1"));

        var ex = await StartFailsAsync(test);

        Assert.Contains($"GenAiWorkflows:{key} is not a known setting", ex.Message, StringComparison.Ordinal);
        Assert.Contains("The settings here are:", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Did you mean", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_OnlyKnownKeys_EveryValidatorSucceeds()
    {
        using var test = TestHost.Create();
        test.Configure(("GenAiWorkflows:Temperature", "0.5"), ("GenAiWorkflows:Budget:MaxTokens", "100"));
        test.Services(static s => s.AddGenAiWorkflows());
        using var host = test.Build();
        var options = host.Services.GetRequiredService<IOptions<GenAiWorkflowOptions>>().Value;

        // A failed result, even one with no message, is a failure to whoever reads it.
        Assert.All(
            host.Services.GetServices<IValidateOptions<GenAiWorkflowOptions>>(),
            validator => Assert.False(validator.Validate(Options.DefaultName, options).Failed, validator.GetType().Name));
    }

    [Fact]
    public void Validate_NamedOptions_AreNotChecked()
    {
        using var test = TestHost.Create();
        test.Configure(("GenAiWorkflows:Temprature", "0.5"));
        test.Services(static s => s.AddGenAiWorkflows());
        using var host = test.Build();
        var monitor = host.Services.GetRequiredService<IOptionsMonitor<GenAiWorkflowOptions>>();

        // Only the default options bind GenAiWorkflows; other names are not checked against it.
        Assert.NotNull(monitor.Get("other"));
        Assert.Throws<OptionsValidationException>(() => monitor.Get(Options.DefaultName));
    }

    [Fact]
    public async Task Validate_KeyBelowASingleValueSetting_IsReported()
    {
        using var test = TestHost.Create(static root => File.WriteAllText(
            Path.Combine(root, "config.yaml"), "GenAiWorkflows:\n  Safety:\n    Pii:\n      Action:\n        Mode: strict\n"));
        test.Builder.Configuration.AddGenAiWorkflowsConfiguration();

        var ex = await StartFailsAsync(test);

        Assert.Equal(
            "GenAiWorkflows:Safety:Pii:Action:Mode is not a known setting (set in 'config.yaml'), so it would be ignored: " +
            "GenAiWorkflows:Safety:Pii:Action takes a single value, with no settings below it. " +
            "Fix or remove the key in appsettings.json, config.yaml or the environment.",
            Assert.Single(ex.Failures));
    }

    [Theory]
    [InlineData("GenAiWorkflows:MaxTokens:Value", "GenAiWorkflows:MaxTokens")]
    [InlineData("GenAiWorkflows:LogLevel:Default", "GenAiWorkflows:LogLevel")]
    [InlineData("GenAiWorkflows:Budget:MaxTokens:Hard", "GenAiWorkflows:Budget:MaxTokens")]
    [InlineData("GenAiWorkflows:Safety:PromptInjection:Action:Mode", "GenAiWorkflows:Safety:PromptInjection:Action")]
    public async Task Validate_KeysBelowSingleValues_AreReported(string key, string value)
    {
        using var test = TestHost.Create();
        test.Configure((key, "x"));

        var ex = await StartFailsAsync(test);

        Assert.Contains($"{key} is not a known setting", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"{value} takes a single value, with no settings below it.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_KeyWithoutValueBelowASingleValue_IsReportedWithoutASource()
    {
        using var test = TestHost.Create();
        test.Configure(("GenAiWorkflows:MaxTokens:Value", null));

        var ex = await StartFailsAsync(test);

        Assert.Contains(
            "GenAiWorkflows:MaxTokens:Value is not a known setting, so it would be ignored: GenAiWorkflows:MaxTokens takes a single value",
            ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ConfigurationThatIsNoRoot_ReportsWithoutASource()
    {
        // An application may register a section as its IConfiguration: no providers to name then.
        var root = new ConfigurationBuilder()
            .AddInMemoryCollection([new("App:GenAiWorkflows:Budget", "5"), new("App:GenAiWorkflows:Colour", "blue")])
            .Build();
        using var provider = new ServiceCollection()
            .AddSingleton<IConfiguration>(root.GetSection("App"))
            .AddGenAiWorkflows().Services
            .BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<GenAiWorkflowOptions>>().Value);

        Assert.Contains(ex.Failures, static f => f.StartsWith("App:GenAiWorkflows:Budget is '5', but it holds settings", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, static f => f.StartsWith("App:GenAiWorkflows:Colour is not a known setting, so it would be ignored.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Validate_ValueForSettings_IsReported()
    {
        using var test = TestHost.Create(static root => File.WriteAllText(
            Path.Combine(root, "appsettings.json"), """{ "GenAiWorkflows": { "Budget": 5 } }"""));

        var ex = await StartFailsAsync(test);

        Assert.Equal(
            "GenAiWorkflows:Budget is '5' (set in 'appsettings.json'), but it holds settings (MaxCostUsd, MaxTokens), not a single value, " +
            "so the value would be ignored. Fix or remove the key in appsettings.json, config.yaml or the environment.",
            Assert.Single(ex.Failures));
    }

    [Fact]
    public async Task Validate_ValueForAList_IsReported()
    {
        using var test = TestHost.Create(static root => File.WriteAllText(
            Path.Combine(root, "config.yaml"), "GenAiWorkflows:\n  Safety:\n    Pii:\n      DisabledRecognizers: EMAIL\n"));
        test.Builder.Configuration.AddGenAiWorkflowsConfiguration();

        var ex = await StartFailsAsync(test);

        Assert.Equal(
            "GenAiWorkflows:Safety:Pii:DisabledRecognizers is 'EMAIL' (set in 'config.yaml'), but it holds a list of entries, not a single value, " +
            "so the value would be ignored. Fix or remove the key in appsettings.json, config.yaml or the environment.",
            Assert.Single(ex.Failures));
    }

    [Theory]
    [InlineData("GenAiWorkflows:Safety", "settings (Inputs, Pii, PromptInjection)")]
    [InlineData("GenAiWorkflows:Workflows:article", "settings (Budget, Steps)")]
    [InlineData("GenAiWorkflows:Workflows:article:Steps:0", "settings (")]
    [InlineData("GenAiWorkflows:Pricing:gpt-4o", "settings (")]
    public async Task Validate_ValueForASectionOrAnEntryOfSettings_IsReported(string key, string holds)
    {
        using var test = TestHost.Create();
        test.Configure((key, "on"));

        var ex = await StartFailsAsync(test);

        Assert.Contains(
            ex.Failures,
            f => f.StartsWith($"{key} is 'on' (set in MemoryConfigurationProvider), but it holds {holds}", StringComparison.Ordinal)
                 && f.EndsWith("not a single value, so the value would be ignored. Fix or remove the key in appsettings.json, config.yaml or the environment.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Validate_KeyBelowAnEntryOfAListOfValues_IsReported()
    {
        using var test = TestHost.Create(static root => File.WriteAllText(
            Path.Combine(root, "config.yaml"), "GenAiWorkflows:\n  Safety:\n    Pii:\n      DisabledRecognizers:\n        - EMAIL\n        - Name: PHONE\n"));
        test.Builder.Configuration.AddGenAiWorkflowsConfiguration();

        var ex = await StartFailsAsync(test);

        Assert.Equal(
            "GenAiWorkflows:Safety:Pii:DisabledRecognizers:1:Name is not a known setting (set in 'config.yaml'), so it would be ignored: " +
            "GenAiWorkflows:Safety:Pii:DisabledRecognizers:1 takes a single value, with no settings below it. " +
            "Fix or remove the key in appsettings.json, config.yaml or the environment.",
            Assert.Single(ex.Failures));
    }

    [Fact]
    public async Task Validate_EmptyValuesAndListsOfValues_Start()
    {
        using var test = TestHost.Create(static root => File.WriteAllText(
            Path.Combine(root, "config.yaml"),
            "GenAiWorkflows:\n  Budget:\n  Safety:\n    Pii:\n      DisabledRecognizers:\n        - EMAIL\n        - PHONE\n" +
            "    PromptInjection:\n      DisabledPatterns: []\n"));
        test.Builder.Configuration.AddGenAiWorkflowsConfiguration();

        await StartsAsync(test);
    }

    [Theory]
    [InlineData("Parallel:0:", 30, true)]       // the step at 32 levels below GenAiWorkflows: the deepest checked
    [InlineData("Parallel:0:", 31, false)]
    [InlineData("Loop:Steps:0:", 15, true)]     // two levels each: a settings object, then a list item
    [InlineData("Loop:Steps:0:", 16, false)]
    public void Validate_TypoInDeeplyNestedSteps_IsReportedDownTo32Levels(string level, int times, bool reported)
    {
        var key = "GenAiWorkflows:Workflows:article:Steps:0:" + string.Concat(Enumerable.Repeat(level, times)) + "Promt";
        using var test = TestHost.Create();
        test.Configure((key, "Outline {topic}"));
        test.Services(static s => s.AddGenAiWorkflows());
        using var host = test.Build();

        var failures = Record.Exception(() => host.Services.GetRequiredService<IOptions<GenAiWorkflowOptions>>().Value) is OptionsValidationException ex
            ? ex.Failures
            : [];

        Assert.Equal(reported, failures.Any(f => f.StartsWith($"{key} is not a known setting", StringComparison.Ordinal)));
    }

    [Fact]
    public void AddConfigurationSection_KeyWithColon_Throws()
    {
        var services = new ServiceCollection();

        var ex = Assert.Throws<ArgumentException>(() => services.AddGenAiWorkflows().AddConfigurationSection("Safety:Rules"));

        Assert.Equal("'Safety:Rules' must be a single key directly under GenAiWorkflows, without ':'. (Parameter 'key')", ex.Message);
    }

    [Fact]
    public void AddConfigurationSection_MissingBuilderOrKey_Throws()
    {
        var builder = new ServiceCollection().AddGenAiWorkflows();

        Assert.Equal("builder", Assert.Throws<ArgumentNullException>(() => ((IWorkflowsBuilder)null!).AddConfigurationSection("Routing")).ParamName);
        Assert.Equal("key", Assert.Throws<ArgumentNullException>(() => builder.AddConfigurationSection(null!)).ParamName);
        Assert.Equal("key", Assert.Throws<ArgumentException>(() => builder.AddConfigurationSection(" ")).ParamName);
    }
}
