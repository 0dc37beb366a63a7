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
        Assert.Equal([LlmMessage.System("Be brief."), LlmMessage.User("About otters")], request.Messages);
        Assert.Equal("gpt-4.1", request.Model);
        Assert.Equal(0.2, request.Temperature);
        Assert.Equal(77, request.MaxTokens);
    }

    [Fact]
    public void BuildRequest_StepSettingsSet_OverrideDefaults()
    {
        var step = new LlmStep("draft", "x") { Model = "o3", Temperature = 1.5, MaxTokens = 9 };

        var request = step.BuildRequest(new Dictionary<string, object?>(), new GenAiWorkflowOptions());

        Assert.Equal("o3", request.Model);
        Assert.Equal(1.5, request.Temperature);
        Assert.Equal(9, request.MaxTokens);
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
