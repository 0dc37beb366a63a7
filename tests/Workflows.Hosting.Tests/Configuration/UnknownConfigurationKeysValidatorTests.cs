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
    public void AddConfigurationSection_KeyWithColon_Throws()
    {
        var services = new ServiceCollection();

        Assert.Throws<ArgumentException>(() => services.AddGenAiWorkflows().AddConfigurationSection("Safety:Rules"));
    }
}
