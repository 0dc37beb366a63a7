using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Workflows.Hosting.Tests.TestSupport;

namespace Workflows.Hosting.Tests.Configuration;

public sealed class GenAiWorkflowOptionsValidatorTests
{
    private static async Task<OptionsValidationException> StartFailsAsync(params (string Key, string? Value)[] settings)
    {
        using var test = TestHost.Create();
        test.Configure(settings);
        test.Services(static s => s.AddGenAiWorkflows(static wf => wf.AddProvider("openai", static _ => new CountingProvider())));
        using var host = test.Build();
        return await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync().WaitAsync(TestHost.Timeout));
    }

    [Theory]
    [InlineData("MaxTokens", "0", "'0'", "from 1 to 1000000", "GENAI_WORKFLOW_MAX_TOKENS")]
    [InlineData("MaxTokens", "1000001", "'1000001'", "from 1 to 1000000", "GENAI_WORKFLOW_MAX_TOKENS")]
    [InlineData("Temperature", "5", "'5'", "from 0.0 to 2.0", "GENAI_WORKFLOW_TEMPERATURE")]
    [InlineData("Temperature", "-0.1", "'-0.1'", "from 0.0 to 2.0", "GENAI_WORKFLOW_TEMPERATURE")]
    [InlineData("Temperature", "NaN", "'NaN'", "from 0.0 to 2.0", "GENAI_WORKFLOW_TEMPERATURE")]
    [InlineData("TimeoutSeconds", "0", "'0'", "from 0.001 to 86400", "GENAI_WORKFLOW_TIMEOUT_SECONDS")]
    [InlineData("TimeoutSeconds", "abc", "'abc'", "from 0.001 to 86400", "GENAI_WORKFLOW_TIMEOUT_SECONDS")]
    [InlineData("MaxTokens", "many", "'many'", "from 1 to 1000000", "GENAI_WORKFLOW_MAX_TOKENS")]
    [InlineData("Temperature", "0,5", "'0,5'", "from 0.0 to 2.0", "GENAI_WORKFLOW_TEMPERATURE")]
    [InlineData("DefaultProvider", "unknown", "'unknown'", "mock, openai", "GENAI_WORKFLOW_DEFAULT_PROVIDER")]
    [InlineData("DefaultModel", " ", "' '", "non-empty model name", "GENAI_WORKFLOW_DEFAULT_MODEL")]
    [InlineData("LogLevel", "Loud", "'Loud'", "Trace, Debug, Information", "GENAI_WORKFLOW_LOG_LEVEL")]
    [InlineData("CaptureMessageContent", "maybe", "'maybe'", "true or false", "GENAI_WORKFLOW_CAPTURE_MESSAGE_CONTENT")]
    public async Task StartAsync_BadValue_ThrowsNamingKeyValueRangeAndEnvironmentVariable(
        string key, string value, string shownValue, string allowed, string alias)
    {
        var ex = await StartFailsAsync(($"GenAiWorkflows:{key}", value));

        Assert.Equal(typeof(GenAiWorkflowOptions), ex.OptionsType);
        Assert.Contains($"GenAiWorkflows:{key}", ex.Message, StringComparison.Ordinal);
        Assert.Contains(shownValue, ex.Message, StringComparison.Ordinal);
        Assert.Contains(allowed, ex.Message, StringComparison.Ordinal);
        Assert.Contains($"GenAiWorkflows__{key}", ex.Message, StringComparison.Ordinal);
        Assert.Contains(alias, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Temperature", "2")]
    [InlineData("MaxTokens", "1")]
    [InlineData("TimeoutSeconds", "0.001")]
    [InlineData("TimeoutSeconds", "86400")]
    [InlineData("MaxDegreeOfParallelism", "1")]
    [InlineData("MaxDegreeOfParallelism", "1024")]
    [InlineData("Pricing:free-model:InputPerMillionTokens", "0")]
    [InlineData("Pricing:free-model:OutputPerMillionTokens", "0")]
    [InlineData("Pricing:free-model:CachedInputPerMillionTokens", "0")]
    public async Task StartAsync_ValueAtTheEdgeOfItsRange_IsAccepted(string key, string value)
    {
        using var test = TestHost.Create();
        test.Configure(($"GenAiWorkflows:{key}", value));
        test.Services(static s => s.AddGenAiWorkflows(static wf => wf.AddProvider("openai", static _ => new CountingProvider())));
        using var host = test.Build();

        await host.StartAsync().WaitAsync(TestHost.Timeout);

        Assert.NotNull(host.Services.GetRequiredService<IOptions<GenAiWorkflowOptions>>().Value);
        await host.StopAsync().WaitAsync(TestHost.Timeout);
    }

    [Theory]
    [InlineData("MaxDegreeOfParallelism", "0", "MaxDegreeOfParallelism")]
    [InlineData("MaxDegreeOfParallelism", "1025", "MaxDegreeOfParallelism")]
    [InlineData("TimeoutSeconds", "86400.5", "TimeoutSeconds")]
    [InlineData("Temperature", "2.01", "Temperature")]
    [InlineData("Budget:MaxTokens", "0", "Budget:MaxTokens")]
    [InlineData("Budget:MaxCostUsd", "0", "Budget:MaxCostUsd")]
    public async Task StartAsync_ValueJustOutsideItsRange_IsRefusedNamingTheKey(string key, string value, string named)
    {
        var ex = await StartFailsAsync(($"GenAiWorkflows:{key}", value));

        var failure = Assert.Single(ex.Failures);
        Assert.Contains($"GenAiWorkflows:{named} is '{value}'", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_SeveralBadValues_ReportsAllOfThem()
    {
        var ex = await StartFailsAsync(("GenAiWorkflows:MaxTokens", "0"), ("GenAiWorkflows:Temperature", "5"));

        Assert.Equal(2, ex.Failures.Count());
        Assert.Contains(ex.Failures, static f => f.Contains("MaxTokens", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, static f => f.Contains("Temperature", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StartAsync_NegativePrice_ThrowsNamingModel()
    {
        var ex = await StartFailsAsync(("GenAiWorkflows:Pricing:my-model:InputPerMillionTokens", "-1"));

        Assert.Contains("GenAiWorkflows:Pricing:my-model", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Budget:MaxTokens", "-5", "a whole number of tokens greater than 0 (or unset for no limit)")]
    [InlineData("Budget:MaxCostUsd", "-0.5", "an amount in US dollars greater than 0 (or unset for no limit)")]
    public async Task StartAsync_BudgetBelowOne_SaysWhatItMustBe(string key, string value, string allowed)
    {
        var ex = await StartFailsAsync(($"GenAiWorkflows:{key}", value));

        var failure = Assert.Single(ex.Failures);
        Assert.StartsWith($"GenAiWorkflows:{key} is '{value}', but it must be {allowed}. ", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_NegativePrice_SaysWhichPricesMustBeZeroOrMore()
    {
        var ex = await StartFailsAsync(("GenAiWorkflows:Pricing:my-model:OutputPerMillionTokens", "-0.01"));

        var failure = Assert.Single(ex.Failures);
        Assert.StartsWith(
            "GenAiWorkflows:Pricing:my-model is 'a negative or missing price', but it must be InputPerMillionTokens, OutputPerMillionTokens " +
            "and CachedInputPerMillionTokens of zero or more (US dollars per million tokens). ",
            failure,
            StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public async Task StartAsync_EmptyDefaultProvider_ListsTheRegisteredProviders(string value)
    {
        var ex = await StartFailsAsync(("GenAiWorkflows:DefaultProvider", value));

        var failure = Assert.Single(ex.Failures);
        Assert.StartsWith(
            $"GenAiWorkflows:DefaultProvider is '{(value.Length == 0 ? "(empty)" : value)}', but it must be a registered provider name (mock, openai). ",
            failure,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_LogLevelNumberOutsideTheEnum_ListsTheLevels()
    {
        var ex = await StartFailsAsync(("GenAiWorkflows:LogLevel", "42"));

        var failure = Assert.Single(ex.Failures);
        Assert.StartsWith(
            "GenAiWorkflows:LogLevel is '42', but it must be one of Trace, Debug, Information, Warning, Error, Critical, None. ",
            failure,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_WorkflowInConfigurationAlsoAddedInCode_IsRefusedOnceNamingBoth()
    {
        using var test = TestHost.Create();
        test.Configure(("GenAiWorkflows:Workflows:Ask:Steps:0:Name", "first"));
        test.Services(static s => s.AddGenAiWorkflows(static wf => wf
            .AddProvider("openai", static _ => new CountingProvider())
            .AddWorkflow("ask", static w => w.AddLlmStep("q", "question"))));
        using var host = test.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync().WaitAsync(TestHost.Timeout));

        // The configured definition is also incomplete (a step with no prompt); only the clash is reported for it.
        var failure = Assert.Single(ex.Failures);
        Assert.Equal(
            "GenAiWorkflows:Workflows:Ask defines a workflow that is also added in code with AddWorkflow(\"Ask\", ...). Rename one of them.",
            failure);
    }

    [Fact]
    public void Validate_ModelSetToNullInCode_ShowsTheValueAsEmpty()
    {
        using var test = TestHost.Create();
        test.Services(static s => { s.AddGenAiWorkflows(); s.Configure<GenAiWorkflowOptions>(static o => o.DefaultModel = null!); });
        using var host = test.Build();

        var ex = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<GenAiWorkflowOptions>>().Value);

        Assert.StartsWith(
            "GenAiWorkflows:DefaultModel is '(empty)', but it must be a non-empty model name such as gpt-4o-mini. ",
            Assert.Single(ex.Failures),
            StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NullOptions_ThrowsArgumentNullException()
    {
        using var test = TestHost.Create();
        test.Services(static s => s.AddGenAiWorkflows());
        using var host = test.Build();
        var validator = host.Services.GetServices<IValidateOptions<GenAiWorkflowOptions>>()
            .Single(static v => v.GetType().Name == "GenAiWorkflowOptionsValidator");

        var ex = Assert.Throws<ArgumentNullException>(() => validator.Validate(Options.DefaultName, null!));

        Assert.Equal("options", ex.ParamName);
    }

    [Fact]
    public async Task StartAsync_ValidValues_StartsAndBinds()
    {
        using var test = TestHost.Create();
        test.Configure(
            ("GenAiWorkflows:DefaultProvider", "OpenAI"),
            ("GenAiWorkflows:DefaultModel", "gpt-4.1"),
            ("GenAiWorkflows:Temperature", "0"),
            ("GenAiWorkflows:MaxTokens", "1000000"),
            ("GenAiWorkflows:TimeoutSeconds", "0.5"),
            ("GenAiWorkflows:LogLevel", "debug"),
            ("GenAiWorkflows:CaptureMessageContent", "true"),
            ("GenAiWorkflows:Pricing:my-model:InputPerMillionTokens", "1.5"),
            ("GenAiWorkflows:Pricing:my-model:OutputPerMillionTokens", "3"));
        test.Services(static s => s.AddGenAiWorkflows(static wf => wf.AddProvider("openai", static _ => new CountingProvider())));
        using var host = test.Build();

        await host.StartAsync().WaitAsync(TestHost.Timeout);
        var options = host.Services.GetRequiredService<IOptions<GenAiWorkflowOptions>>().Value;

        Assert.Equal("OpenAI", options.DefaultProvider);
        Assert.Equal("gpt-4.1", options.DefaultModel);
        Assert.Equal(0, options.Temperature);
        Assert.Equal(1_000_000, options.MaxTokens);
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.RunTimeout);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Debug, options.LogLevel);
        Assert.True(options.CaptureMessageContent);
        Assert.Equal(1.5m, options.Pricing["MY-MODEL"].InputPerMillionTokens);
        await host.StopAsync().WaitAsync(TestHost.Timeout);
    }
}
