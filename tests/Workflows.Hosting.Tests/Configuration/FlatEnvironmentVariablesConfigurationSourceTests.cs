using Microsoft.Extensions.Configuration;

namespace Workflows.Hosting.Tests.Configuration;

public sealed class FlatEnvironmentVariablesConfigurationSourceTests
{
    private static IConfigurationRoot Build(params (string Name, string Value)[] variables) =>
        new ConfigurationBuilder()
            .Add(new FlatEnvironmentVariablesConfigurationSource
            {
                Variables = variables.ToDictionary(static v => v.Name, static v => v.Value),
            })
            .Build();

    [Fact]
    public void Load_AliasVariables_MapToSectionKeys()
    {
        var configuration = Build(
            ("GENAI_WORKFLOW_DEFAULT_PROVIDER", "openai"),
            ("GENAI_WORKFLOW_DEFAULT_MODEL", "gpt-4.1"),
            ("GENAI_WORKFLOW_MAX_TOKENS", "42"),
            ("GENAI_WORKFLOW_TEMPERATURE", "0.5"),
            ("GENAI_WORKFLOW_TIMEOUT_SECONDS", "9"),
            ("GENAI_WORKFLOW_LOG_LEVEL", "Debug"),
            ("GENAI_WORKFLOW_CAPTURE_MESSAGE_CONTENT", "true"));

        Assert.Equal("openai", configuration["GenAiWorkflows:DefaultProvider"]);
        Assert.Equal("gpt-4.1", configuration["GenAiWorkflows:DefaultModel"]);
        Assert.Equal("42", configuration["GenAiWorkflows:MaxTokens"]);
        Assert.Equal("0.5", configuration["GenAiWorkflows:Temperature"]);
        Assert.Equal("9", configuration["GenAiWorkflows:TimeoutSeconds"]);
        Assert.Equal("Debug", configuration["GenAiWorkflows:LogLevel"]);
        Assert.Equal("true", configuration["GenAiWorkflows:CaptureMessageContent"]);
    }

    [Fact]
    public void Load_NestedAlias_UsesDoubleUnderscoreAsSeparator()
    {
        var configuration = Build(("GENAI_WORKFLOW_PRICING__GPT5__INPUT_PER_MILLION_TOKENS", "1.25"));

        Assert.Equal("1.25", configuration["GenAiWorkflows:Pricing:Gpt5:InputPerMillionTokens"]);
    }

    [Fact]
    public void Load_LowerCaseName_IsAccepted()
    {
        Assert.Equal("7", Build(("genai_workflow_max_tokens", "7"))["GenAiWorkflows:MaxTokens"]);
    }

    [Fact]
    public void Load_UnrelatedOrBarePrefixVariables_AreIgnored()
    {
        var configuration = Build(("PATH", "/bin"), ("GENAI_WORKFLOW_", "x"), ("GENAI_WORKFLOWS_MAX_TOKENS", "1"), ("OPENAI_API_KEY", "sk"));

        Assert.DoesNotContain(configuration.AsEnumerable(), static kv => kv.Value is not null);
    }

    [Theory]
    [InlineData(nameof(GenAiWorkflowOptions.DefaultProvider))]
    [InlineData(nameof(GenAiWorkflowOptions.DefaultModel))]
    [InlineData(nameof(GenAiWorkflowOptions.Temperature))]
    [InlineData(nameof(GenAiWorkflowOptions.MaxTokens))]
    [InlineData(nameof(GenAiWorkflowOptions.TimeoutSeconds))]
    [InlineData(nameof(GenAiWorkflowOptions.LogLevel))]
    [InlineData(nameof(GenAiWorkflowOptions.CaptureMessageContent))]
    public void Load_AliasOfEveryOption_RoundTripsToItsKey(string option)
    {
        var key = $"GenAiWorkflows:{option}";
        var alias = EnvironmentVariableNames.Alias(key)!;

        Assert.Equal("set", Build((alias, "set"))[key]);
        Assert.Equal($"GenAiWorkflows__{option} (or {alias})", EnvironmentVariableNames.Describe(key));
    }
}
