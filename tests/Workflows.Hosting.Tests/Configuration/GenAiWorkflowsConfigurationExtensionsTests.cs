using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Workflows.Hosting.Tests.TestSupport;

namespace Workflows.Hosting.Tests.Configuration;

[Collection(EnvironmentVariablesCollection.Name)]
public sealed class GenAiWorkflowsConfigurationExtensionsTests
{
    private const string AppSettings = """
        {
          "GenAiWorkflows": {
            "DefaultModel": "from-appsettings",
            "Temperature": 0.1,
            "MaxTokens": 100,
            "TimeoutSeconds": 11
          }
        }
        """;

    private const string Yaml = """
        # comment lines are fine
        GenAiWorkflows:
          DefaultModel: from-yaml
          Temperature: 0.2
          MaxTokens: 200
        """;

    private static GenAiWorkflowOptions OptionsOf(TestHost test)
    {
        test.Builder.Configuration.AddGenAiWorkflowsConfiguration();
        test.Services(static s => s.AddGenAiWorkflows());
        using var host = test.Build();
        return host.Services.GetRequiredService<IOptions<GenAiWorkflowOptions>>().Value;
    }

    private static void WriteFiles(string root, string? appSettings = AppSettings, string? yaml = Yaml)
    {
        if (appSettings is not null)
        {
            File.WriteAllText(Path.Combine(root, "appsettings.json"), appSettings);
        }

        if (yaml is not null)
        {
            File.WriteAllText(Path.Combine(root, "config.yaml"), yaml);
        }
    }

    [Fact]
    public void AddGenAiWorkflowsConfiguration_AllSources_EnvironmentBeatsYamlBeatsAppSettings()
    {
        using var env = new EnvironmentVariables()
            .Set("GENAI_WORKFLOW_DEFAULT_MODEL", "from-alias")
            .Set("GenAiWorkflows__DefaultModel", "from-canonical-env")
            .Set("GENAI_WORKFLOW_TEMPERATURE", "0.3");
        using var test = TestHost.Create(static root => WriteFiles(root));

        var options = OptionsOf(test);

        Assert.Equal("from-canonical-env", options.DefaultModel); // all four set: GenAiWorkflows__X wins
        Assert.Equal(0.3, options.Temperature);                   // alias over YAML over appsettings
        Assert.Equal(200, options.MaxTokens);                     // YAML over appsettings
        Assert.Equal(11, options.TimeoutSeconds);                 // appsettings only
        Assert.Equal("mock", options.DefaultProvider);            // nowhere: default
    }

    [Fact]
    public void AddGenAiWorkflowsConfiguration_NoYamlFile_IsOptional()
    {
        using var test = TestHost.Create(static root => WriteFiles(root, yaml: null));

        var options = OptionsOf(test);

        Assert.Equal("from-appsettings", options.DefaultModel);
        Assert.Equal(100, options.MaxTokens);
    }

    [Fact]
    public void AddGenAiWorkflowsConfiguration_YamlOnly_IsRead()
    {
        using var test = TestHost.Create(static root => WriteFiles(root, appSettings: null));

        var options = OptionsOf(test);

        Assert.Equal("from-yaml", options.DefaultModel);
        Assert.Equal(0.2, options.Temperature);
    }

    [Fact]
    public void AddGenAiWorkflowsConfiguration_CanonicalEnvironmentVariableOnly_BeatsYaml()
    {
        using var env = new EnvironmentVariables().Set("GenAiWorkflows__MaxTokens", "300");
        using var test = TestHost.Create(static root => WriteFiles(root));

        Assert.Equal(300, OptionsOf(test).MaxTokens);
    }

    [Fact]
    public void AddGenAiWorkflowsConfiguration_AliasOnly_BeatsYaml()
    {
        using var env = new EnvironmentVariables().Set("GENAI_WORKFLOW_MAX_TOKENS", "400");
        using var test = TestHost.Create(static root => WriteFiles(root));

        Assert.Equal(400, OptionsOf(test).MaxTokens);
    }

    [Fact]
    public async Task AddGenAiWorkflowsConfiguration_BadAliasValue_HostStartNamesAlias()
    {
        using var env = new EnvironmentVariables().Set("GENAI_WORKFLOW_MAX_TOKENS", "0");
        using var test = TestHost.Create(static root => WriteFiles(root));
        test.Builder.Configuration.AddGenAiWorkflowsConfiguration();
        test.Services(static s => s.AddGenAiWorkflows());
        using var host = test.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync().WaitAsync(TestHost.Timeout));

        Assert.Contains("GENAI_WORKFLOW_MAX_TOKENS", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddGenAiWorkflowsConfiguration_MalformedYaml_ThrowsNamingFileAndLine()
    {
        const string broken = """
            GenAiWorkflows:
              DefaultModel: ok
              MaxTokens: [unclosed
            """;
        using var test = TestHost.Create(root => WriteFiles(root, yaml: broken));

        var ex = Assert.Throws<ConfigurationException>(() => OptionsOf(test));

        Assert.Contains("config.yaml", ex.Message, StringComparison.Ordinal);
        Assert.Matches("line [34]", ex.Message);
        Assert.Equal("config.yaml", ex.Key);
    }

    [Theory]
    [InlineData("GenAiWorkflows:\n  Temperature: [0.5\n  MaxTokens: 10\n", 2)]
    [InlineData("GenAiWorkflows:\n  Temperature: {a: 1\n  MaxTokens: 10\n", 2)]
    [InlineData("GenAiWorkflows:\n  DefaultModel: \"unterminated\n  MaxTokens: 10\n", 3)]
    [InlineData("GenAiWorkflows:\n  DefaultModel: a\n   MaxTokens: 10\n", 3)]
    [InlineData("GenAiWorkflows:\n\tDefaultModel: a\n", 2)]
    [InlineData("GenAiWorkflows:\n  DefaultModel: a\n  DefaultModel: b\n", 3)]
    public void AddGenAiWorkflowsConfiguration_MalformedYaml_AlwaysNamesFileAndLine(string broken, int line)
    {
        using var test = TestHost.Create(root => WriteFiles(root, yaml: broken));

        var ex = Assert.Throws<ConfigurationException>(() => OptionsOf(test));

        Assert.True(ex.Message.Contains("'config.yaml'", StringComparison.Ordinal), ex.Message);
        Assert.True(ex.Message.Contains($"line {line},", StringComparison.Ordinal), ex.Message);
        Assert.DoesNotContain("System.Exception", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddGenAiWorkflowsConfiguration_CustomYamlPath_IsRead()
    {
        using var test = TestHost.Create(static root => File.WriteAllText(Path.Combine(root, "workflows.yaml"), Yaml));
        test.Builder.Configuration.AddGenAiWorkflowsConfiguration("workflows.yaml");
        test.Services(static s => s.AddGenAiWorkflows());
        using var host = test.Build();

        Assert.Equal("from-yaml", host.Services.GetRequiredService<IOptions<GenAiWorkflowOptions>>().Value.DefaultModel);
    }

    [Fact]
    public void AddGenAiWorkflowsConfiguration_BuilderWithoutEnvironmentSource_AppendsYamlAndAliases()
    {
        var root = Path.Combine(Path.GetTempPath(), "wf-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        try
        {
            WriteFiles(root);
            var configuration = new ConfigurationBuilder()
                .SetBasePath(root)
                .AddJsonFile("appsettings.json")
                .AddGenAiWorkflowsConfiguration()
                .Build();

            Assert.Equal("from-yaml", configuration["GenAiWorkflows:DefaultModel"]);
            Assert.Equal("11", configuration["GenAiWorkflows:TimeoutSeconds"]);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
