using Microsoft.Extensions.AI;

namespace Workflows.Tests.Steps;

public sealed class LlmStepTests
{
    [Fact]
    public void Constructor_MalformedTemplate_FailsAtDefinitionTime()
    {
        var ex = Assert.Throws<FormatException>(() => new LlmStep("draft", "Write about {topic"));

        Assert.Contains("position 12", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_MalformedSystemPrompt_FailsAtDefinitionTime()
    {
        Assert.Throws<FormatException>(() => new LlmStep("draft", "ok", systemPrompt: "You are }"));
    }

    [Fact]
    public void BuildRequest_StepSettingsUnset_UsesConfiguredDefaults()
    {
        var step = new LlmStep("draft", "About {topic}", "Be {tone}.");
        var defaults = new GenAiWorkflowOptions { DefaultModel = "gpt-4.1", Temperature = 0.2, MaxTokens = 77 };

        var request = step.BuildRequest(new Dictionary<string, object?> { ["topic"] = "otters", ["tone"] = "brief" }, defaults);

        Assert.Equal("About otters", request.Prompt);
        Assert.Equal([(ChatRole.System, "Be brief."), (ChatRole.User, "About otters")], request.Messages.Select(static m => (m.Role, m.Text)));
        Assert.Null(request.Options.ModelId); // resolved by the engine: provider default, client default, then DefaultModel
        Assert.Equal(0.2f, request.Options.Temperature);
        Assert.Equal(77, request.Options.MaxOutputTokens);
        Assert.Null(request.Options.TopP);
        Assert.Null(request.Options.ResponseFormat);
        Assert.Null(request.Options.Tools);
    }

    [Fact]
    public void BuildRequest_StepSettingsSet_OverrideDefaults()
    {
        var step = new LlmStep("draft", "x") { Model = "o3", Temperature = 1.5, MaxTokens = 9, TopP = 0.25, MaxToolRounds = 3 };

        var request = step.BuildRequest(new Dictionary<string, object?>(), new GenAiWorkflowOptions());

        Assert.Equal("o3", request.Options.ModelId);
        Assert.Equal(1.5f, request.Options.Temperature);
        Assert.Equal(9, request.Options.MaxOutputTokens);
        Assert.Equal(0.25f, request.Options.TopP);
        Assert.Equal(3, request.MaxToolRounds);
    }

    [Theory]
    [InlineData(nameof(LlmStep.Temperature), 2.5, "Temperature is 2.5, but it must be from 0 to 2")]
    [InlineData(nameof(LlmStep.Temperature), -0.1, "Temperature is -0.1, but it must be from 0 to 2")]
    [InlineData(nameof(LlmStep.TopP), 1.5, "TopP is 1.5, but it must be from 0 to 1")]
    [InlineData(nameof(LlmStep.TopP), -1, "TopP is -1, but it must be from 0 to 1")]
    [InlineData(nameof(LlmStep.MaxTokens), 0, "MaxTokens is 0, but it must be from 1 to 1,000,000")]
    public void Settings_OutOfRange_ThrowNamingStepAndRange(string setting, double value, string expected)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => setting switch
        {
            nameof(LlmStep.Temperature) => new LlmStep("draft", "x") { Temperature = value },
            nameof(LlmStep.TopP) => new LlmStep("draft", "x") { TopP = value },
            _ => new LlmStep("draft", "x") { MaxTokens = (int)value },
        });

        Assert.Contains("Step 'draft'", ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.Equal(setting, ex.ParamName);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(2.0)]
    public void Temperature_AtRangeEdges_IsAccepted(double value)
    {
        Assert.Equal(value, new LlmStep("draft", "x") { Temperature = value }.Temperature);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    public void TopP_AtRangeEdges_IsAccepted(double value)
    {
        Assert.Equal(value, new LlmStep("draft", "x") { TopP = value }.TopP);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(1_000_000)]
    public void MaxTokens_AtRangeEdges_IsAccepted(int value)
    {
        Assert.Equal(value, new LlmStep("draft", "x") { MaxTokens = value }.MaxTokens);
    }

    [Fact]
    public void MaxTokens_AboveMaximum_Throws()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new LlmStep("draft", "x") { MaxTokens = 1_000_001 });

        Assert.Contains("MaxTokens is 1000001, but it must be from 1 to 1,000,000", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MaxToolRounds_BelowOne_ThrowsNamingStep()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new LlmStep("tools", "x") { MaxToolRounds = 0 });

        Assert.Contains("Step 'tools'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BuildRequest_OutputType_SendsJsonSchemaNamedAfterType()
    {
        var step = new LlmStep("verdict", "x") { OutputType = typeof(Verdict) };

        var request = step.BuildRequest(new Dictionary<string, object?>(), new GenAiWorkflowOptions());

        var format = Assert.IsType<ChatResponseFormatJson>(request.Options.ResponseFormat);
        Assert.Equal(nameof(Verdict), format.SchemaName);
        var schema = format.Schema!.Value;
        Assert.Equal("object", schema.GetProperty("type").GetString());
        Assert.True(schema.GetProperty("properties").TryGetProperty("approved", out _));
        Assert.True(schema.GetProperty("properties").TryGetProperty("reasons", out _));
    }

    public sealed record Verdict(bool Approved, IReadOnlyList<string> Reasons)
    {
        [System.ComponentModel.DataAnnotations.Range(0, 10)]
        public int Score { get; init; }
    }

    [Fact]
    public void Prompt_RenderedManyTimes_IsParsedOnce()
    {
        var step = new LlmStep("draft", "About {topic}");
        var first = step.Prompt;

        step.BuildRequest(new Dictionary<string, object?> { ["topic"] = "a" }, new GenAiWorkflowOptions());
        step.BuildRequest(new Dictionary<string, object?> { ["topic"] = "b" }, new GenAiWorkflowOptions());

        Assert.Same(first, step.Prompt);
        Assert.Equal(["topic"], step.Prompt.Variables);
    }
}
