using System.Net;

namespace Workflows.Tests.Edges;

/// <summary>What the library's exceptions carry for the code that catches them, constructor by constructor.</summary>
public sealed class ExceptionPropertiesEdgeTests
{
    [Fact]
    public void AbortException_EveryConstructor_HasAReason()
    {
        var inner = new InvalidOperationException("cause");

        Assert.Equal("The run was aborted.", new AbortException().Reason);
        Assert.Equal("input rejected", new AbortException("input rejected").Reason);
        var withInner = new AbortException("input rejected", inner);
        Assert.Equal("input rejected", withInner.Reason);
        Assert.Equal("input rejected", withInner.Message);
        Assert.Same(inner, withInner.InnerException);
    }

    [Fact]
    public void GuardrailBlockedException_Constructed_CarriesGuardrailTargetAndFindings()
    {
        var ex = new GuardrailBlockedException("pii", "input", ["EMAIL", "PHONE"], "PII found in the input.");

        Assert.Equal("pii", ex.Guardrail);
        Assert.Equal("input", ex.Target);
        Assert.Equal(["EMAIL", "PHONE"], ex.FindingTypes);
        Assert.Equal("PII found in the input.", ex.Reason);
    }

    [Fact]
    public void ModelRefusalException_Constructed_CarriesModelRefusalAndStep()
    {
        var ex = new ModelRefusalException("draft", "gpt-4o", "I can't help with that.");

        Assert.Equal("gpt-4o", ex.Model);
        Assert.Equal("I can't help with that.", ex.Refusal);
        Assert.Equal("draft", ex.StepName);
        Assert.Equal("The model gpt-4o refused the request of step 'draft': I can't help with that.", ex.Message);
    }

    [Fact]
    public void StructuredOutputException_Constructed_IsAnLlmStepError()
    {
        var inner = new FormatException("bad json");

        var ex = new StructuredOutputException("The reply is not a Headline.", "extract", inner);

        Assert.Equal("extract", ex.StepName);
        Assert.Equal("llm", ex.StepType);
        Assert.Same(inner, ex.InnerException);
    }

    [Fact]
    public void PluginNotFoundException_EveryConstructor_HasAvailableNames()
    {
        Assert.Empty(new PluginNotFoundException().AvailableNames);
        Assert.Empty(new PluginNotFoundException("missing").AvailableNames);
        Assert.Empty(new PluginNotFoundException("missing", new InvalidOperationException()).AvailableNames);

        var named = new PluginNotFoundException("provider", "azure", ["mock", "openai"]);
        Assert.Equal(["mock", "openai"], named.AvailableNames);
        Assert.Equal("azure", named.PluginName);
        Assert.Equal(
            "No provider is registered under the name 'azure'. Registered providers: mock, openai. " +
            "Register it (for example with AddProvider<T>(\"azure\")) or use one of the registered names.",
            named.Message);
    }

    [Fact]
    public void PluginNotFoundException_NothingRegistered_SaysNone()
    {
        var ex = new PluginNotFoundException("provider", "openai", []);

        Assert.Equal(
            "No provider is registered under the name 'openai'. Registered providers: (none). " +
            "Register it (for example with AddProvider<T>(\"openai\")) or use one of the registered names.",
            ex.Message);
    }

    [Fact]
    public void ProviderException_FullConstructor_CarriesTheReplysDetails()
    {
        var inner = new HttpRequestException("503");

        var ex = new ProviderException("The provider failed.", "openai", HttpStatusCode.ServiceUnavailable, "overloaded", "req-123", inner);

        Assert.Equal("openai", ex.ProviderName);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ex.StatusCode);
        Assert.Equal("overloaded", ex.ErrorCode);
        Assert.Equal("req-123", ex.RequestId);
        Assert.Same(inner, ex.InnerException);
    }
}
