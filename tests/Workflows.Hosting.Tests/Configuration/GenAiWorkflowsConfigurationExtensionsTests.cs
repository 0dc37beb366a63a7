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
    public void AddGenAiWorkflowsConfiguration_OneExplicitDocumentWithAnAlias_IsRead()
    {
        using var test = TestHost.Create(static root => WriteFiles(
            root, yaml: "---\nShared:\n  model: &model from-anchor\nGenAiWorkflows:\n  DefaultModel: *model\n  MaxTokens: 300\n...\n"));

        var options = OptionsOf(test);

        Assert.Equal("from-anchor", options.DefaultModel);
        Assert.Equal(300, options.MaxTokens);
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

    [Theory]
    [InlineData("GenAiWorkflows:\n  Temperature: [0.5\n  MaxTokens: 10\n",
        "line 2, column 16: The '[' opened here is never closed with ']' (quote the value if it is text).")]
    [InlineData("GenAiWorkflows:\n  Temperature: {a: 1\n  MaxTokens: 10\n",
        "line 2, column 16: The '{' opened here is never closed with '}' (quote the value if it is text).")]
    [InlineData("GenAiWorkflows:\n  Temperature: [{a: 1}, 2\n  MaxTokens: 10\n",
        "line 2, column 16: The '[' opened here is never closed with ']' (quote the value if it is text).")]
    [InlineData("GenAiWorkflows:\n  Temperature: {a: [1], b: 2\n  MaxTokens: 10\n",
        "line 2, column 16: The '{' opened here is never closed with '}' (quote the value if it is text).")]
    [InlineData("GenAiWorkflows:\n  Temperature: [a: 1, 2\n  MaxTokens: 10\n",
        "line 2, column 16: The '[' opened here is never closed with ']' (quote the value if it is text).")]
    [InlineData("a:\n  - [b\n c\n",
        "line 2, column 3: The file cannot be parsed after this point.")]
    [InlineData("GenAiWorkflows:\n\tDefaultModel: a\n",
        "line 2, column 1: A tab is used for indentation; YAML allows only spaces.")]
    [InlineData("GenAiWorkflows:\n  DefaultModel: a\n  \tMaxTokens: 10\n",
        "line 3, column 3: A tab is used for indentation; YAML allows only spaces.")]
    [InlineData("GenAiWorkflows:\n  DefaultModel: \"a\tb\"\n  MaxTokens: 10\n\tTemperature: 0.5\n",
        "line 4, column 1: A tab is used for indentation; YAML allows only spaces.")]
    [InlineData("GenAiWorkflows:\n  SystemPrompt: |\n    first\n    \tindented\n  MaxTokens: [1\n",
        "line 6, column 1: While parsing a flow sequence, did not find expected ',' or ']'.")]
    [InlineData("GenAiWorkflows:\n  DefaultModel: \"unterminated\n  MaxTokens: 10\n",
        "line 3, column 3 (in the block that starts at line 2): While scanning a multi-line double-quoted scalar, found wrong indentation.")]
    [InlineData("GenAiWorkflows:\n  DefaultModel: a\n  DefaultModel: b\n",
        "line 3, column 3: Duplicate key.")]
    [InlineData("GenAiWorkflows:\n  DefaultModel: a\n  MaxTokens: *missing\n",
        "line 3, column 14: The alias '*missing' refers to no anchor defined before it; define '&missing' on a value above, " +
        "or write the value out.")]
    [InlineData("GenAiWorkflows:\n  MaxTokens: *later\n  Temperature: &later 0.5\n",
        "line 2, column 14: The alias '*later' refers to no anchor defined before it; define '&later' on a value above, " +
        "or write the value out.")]
    [InlineData("Other: 1\n---\nGenAiWorkflows:\n  DefaultModel: a\n",
        "line 2, column 1: A second YAML document starts here ('---'), and only the first document of a configuration file is read. " +
        "Keep all settings in one document, or move the rest into another file.")]
    [InlineData("---\nOther: 1\n...\nGenAiWorkflows:\n  DefaultModel: a\n",
        "line 4, column 1: A second YAML document starts here, and only the first document of a configuration file is read. " +
        "Keep all settings in one document, or move the rest into another file.")]
    public void AddGenAiWorkflowsConfiguration_MalformedYaml_MessageSaysWhereAndWhat(string broken, string expected)
    {
        using var test = TestHost.Create(root => WriteFiles(root, yaml: broken));

        var ex = Assert.Throws<ConfigurationException>(() => OptionsOf(test));

        Assert.Equal(
            $"The configuration file 'config.yaml' is not valid YAML at {expected} Fix the file or remove it (it is optional).",
            ex.Message);
    }

    [Theory]
    [InlineData("GenAiWorkflows:\n  DefaultModel: a\n  defaultmodel: b\n", "line 3, column 3", "defaultmodel")]
    [InlineData("GenAiWorkflows:\n  Budget:\n    MaxTokens: 1\n    maxTokens: 2\n", "line 4, column 5", "maxTokens")]
    [InlineData("GenAiWorkflows:\n  Workflows:\n    w:\n      Steps:\n        - Name: a\n        - Name: b\n          name: c\n",
        "line 7, column 11", "name")]
    [InlineData("GenAiWorkflows:\n  DefaultModel: a\n  Workflows:\n    w:\n      Steps:\n        - Name: a\n  DEFAULTMODEL: b\n",
        "line 7, column 3", "DEFAULTMODEL")]
    public void AddGenAiWorkflowsConfiguration_KeyTwiceInAnotherCase_NamesTheSecondKey(string yaml, string where, string key)
    {
        // YamlDotNet accepts keys that differ only in case; the configuration, whose keys ignore case, does not.
        using var test = TestHost.Create(root => WriteFiles(root, yaml: yaml));

        var ex = Assert.Throws<ConfigurationException>(() => OptionsOf(test));

        Assert.Equal(
            $"The configuration file 'config.yaml' is not valid YAML at {where}: The key '{key}' appears more than once in the same mapping. " +
            "Fix the file or remove it (it is optional).",
            ex.Message);
    }

    [Fact]
    public void AddGenAiWorkflowsConfiguration_ValidYamlOfAnotherShape_SaysWhyItCannotBeRead()
    {
        using var test = TestHost.Create(static root => WriteFiles(root, yaml: "- a\n- b\n"));

        var ex = Assert.Throws<ConfigurationException>(() => OptionsOf(test));

        Assert.Equal(
            "The configuration file 'config.yaml' could not be read: Unable to cast object of type " +
            "'YamlDotNet.RepresentationModel.YamlSequenceNode' to type 'YamlDotNet.RepresentationModel.YamlMappingNode'. " +
            "Fix the file or remove it (it is optional).",
            ex.Message);
        Assert.Equal("config.yaml", ex.Key);
        Assert.IsType<InvalidDataException>(ex.InnerException);
    }

    [Fact]
    public void AddGenAiWorkflowsConfiguration_NullArguments_Throw()
    {
        Assert.Equal("builder", Assert.Throws<ArgumentNullException>(() => ((IConfigurationBuilder)null!).AddGenAiWorkflowsConfiguration()).ParamName);
        Assert.Equal("builder", Assert.Throws<ArgumentNullException>(() =>
            ((IConfigurationBuilder)null!).AddGenAiWorkflowsConfiguration(Path.Combine(Path.GetTempPath(), "config.yaml"))).ParamName);
        Assert.Equal("yamlPath", Assert.Throws<ArgumentNullException>(() => new ConfigurationBuilder().AddGenAiWorkflowsConfiguration(null!)).ParamName);
        Assert.Equal("yamlPath", Assert.Throws<ArgumentException>(() => new ConfigurationBuilder().AddGenAiWorkflowsConfiguration(" ")).ParamName);
    }

    [Fact]
    public void AddGenAiWorkflowsConfiguration_RequiredFileMissing_SaysSoWithoutCallingItOptional()
    {
        var root = NewDirectory();
        try
        {
            var builder = new ConfigurationBuilder().SetBasePath(root).AddGenAiWorkflowsConfiguration(optional: false);

            var ex = Assert.Throws<ConfigurationException>(builder.Build);

            Assert.Equal(
                "The configuration file 'config.yaml' could not be read: The configuration file 'config.yaml' was not found and is not optional. " +
                $"The expected physical path was '{Path.Combine(root, "config.yaml")}'. Fix the file.",
                ex.Message);
            Assert.IsType<FileNotFoundException>(ex.InnerException);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void AddGenAiWorkflowsConfiguration_RequiredFileMalformed_SaysToFixIt()
    {
        var root = NewDirectory();
        try
        {
            WriteFiles(root, appSettings: null, yaml: "GenAiWorkflows:\n  DefaultModel: a\n  DefaultModel: b\n");
            var builder = new ConfigurationBuilder().SetBasePath(root).AddGenAiWorkflowsConfiguration(optional: false);

            var ex = Assert.Throws<ConfigurationException>(builder.Build);

            Assert.Equal("The configuration file 'config.yaml' is not valid YAML at line 3, column 3: Duplicate key. Fix the file.", ex.Message);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void AddGenAiWorkflowsConfiguration_AbsoluteYamlPath_IsReadFromThere()
    {
        var root = NewDirectory();
        var elsewhere = NewDirectory();
        try
        {
            WriteFiles(elsewhere, appSettings: null);
            var configuration = new ConfigurationBuilder()
                .SetBasePath(root)
                .AddGenAiWorkflowsConfiguration(Path.Combine(elsewhere, "config.yaml"), optional: false)
                .Build();

            Assert.Equal("from-yaml", configuration["GenAiWorkflows:DefaultModel"]);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
            Directory.Delete(elsewhere, recursive: true);
        }
    }

    [Fact]
    public void AddGenAiWorkflowsConfiguration_BasePathChangedAfterwards_ReadsFromTheBasePathAtTheCall()
    {
        var root = NewDirectory();
        var elsewhere = NewDirectory();
        try
        {
            WriteFiles(root, appSettings: null);
            var configuration = new ConfigurationBuilder()
                .SetBasePath(root)
                .AddGenAiWorkflowsConfiguration()
                .SetBasePath(elsewhere)
                .Build();

            Assert.Equal("from-yaml", configuration["GenAiWorkflows:DefaultModel"]);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
            Directory.Delete(elsewhere, recursive: true);
        }
    }

    [Fact]
    public async Task AddGenAiWorkflowsConfiguration_FileChangedAfterBuild_IsNotReloaded()
    {
        var root = NewDirectory();
        try
        {
            WriteFiles(root, appSettings: null);
            var configuration = new ConfigurationBuilder().SetBasePath(root).AddGenAiWorkflowsConfiguration().Build();
            using (configuration as IDisposable)
            {
                await File.WriteAllTextAsync(Path.Combine(root, "config.yaml"), "GenAiWorkflows:\n  DefaultModel: changed\n");
                await Task.Delay(TimeSpan.FromSeconds(2)); // a file watcher would have reloaded by now (its delay is 250 ms)

                Assert.Equal("from-yaml", configuration["GenAiWorkflows:DefaultModel"]);
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void AddGenAiWorkflowsConfiguration_EnvironmentSourceWithEmptyPrefixFirst_StillBeatsYaml()
    {
        using var env = new EnvironmentVariables().Set("GenAiWorkflows__MaxTokens", "300");
        var root = NewDirectory();
        try
        {
            WriteFiles(root);
            var configuration = new ConfigurationBuilder()
                .SetBasePath(root)
                .AddEnvironmentVariables(prefix: "")
                .AddGenAiWorkflowsConfiguration()
                .Build();

            Assert.Equal("300", configuration["GenAiWorkflows:MaxTokens"]);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void AddGenAiWorkflowsConfiguration_TwoEnvironmentSources_YamlGoesBeforeTheFirst()
    {
        var root = NewDirectory();
        try
        {
            WriteFiles(root);
            var configuration = new ConfigurationBuilder()
                .SetBasePath(root)
                .AddEnvironmentVariables()
                .AddJsonFile("appsettings.json")
                .AddEnvironmentVariables()
                .AddGenAiWorkflowsConfiguration()
                .Build();

            // YAML, then the aliases, go in front of the first environment source: the JSON file added after it wins.
            Assert.Equal("from-appsettings", configuration["GenAiWorkflows:DefaultModel"]);
            Assert.Equal("100", configuration["GenAiWorkflows:MaxTokens"]);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void AddGenAiWorkflowsConfiguration_BuilderWithoutEnvironmentSource_AliasesBeatYaml()
    {
        using var env = new EnvironmentVariables().Set("GENAI_WORKFLOW_MAX_TOKENS", "400");
        var root = NewDirectory();
        try
        {
            WriteFiles(root);
            var configuration = new ConfigurationBuilder().SetBasePath(root).AddGenAiWorkflowsConfiguration().Build();

            Assert.Equal("400", configuration["GenAiWorkflows:MaxTokens"]);
            Assert.Equal("from-yaml", configuration["GenAiWorkflows:DefaultModel"]);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static string NewDirectory()
    {
        var root = Path.Combine(Path.GetTempPath(), "wf-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        return root;
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
    public void AddGenAiWorkflowsConfiguration_CustomYamlPathMalformed_NamesThatFile()
    {
        using var test = TestHost.Create(static root => File.WriteAllText(Path.Combine(root, "workflows.yaml"), "GenAiWorkflows:\n\tMaxTokens: 1\n"));

        var ex = Assert.Throws<ConfigurationException>(() => test.Builder.Configuration.AddGenAiWorkflowsConfiguration("workflows.yaml"));

        Assert.StartsWith("The configuration file 'workflows.yaml' is not valid YAML at line 2, column 1:", ex.Message, StringComparison.Ordinal);
        Assert.Equal("workflows.yaml", ex.Key);
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
