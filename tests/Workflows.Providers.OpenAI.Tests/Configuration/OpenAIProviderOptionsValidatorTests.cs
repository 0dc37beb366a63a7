using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Workflows.Providers.OpenAI.Tests;

public sealed class OpenAIProviderOptionsValidatorTests
{
    private const string Secret = "sk-proj-do-not-print-7c1e";

    [Fact]
    public async Task AddOpenAIProvider_MissingApiKey_FailsOnHostStart()
    {
        using var host = BuildHost(new Dictionary<string, string?> { ["GenAiWorkflows:DefaultProvider"] = "openai" });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        var message = string.Join("\n", error.Failures);
        Assert.Contains("GenAiWorkflows:Providers:openai:ApiKey is not set", message, StringComparison.Ordinal);
        Assert.Contains("OPENAI_API_KEY", message, StringComparison.Ordinal);
        Assert.Contains("GenAiWorkflows__Providers__openai__ApiKey", message, StringComparison.Ordinal);
        Assert.Contains("GENAI_WORKFLOW_PROVIDERS__OPENAI__API_KEY", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddOpenAIProvider_KeyFromOpenAIApiKeySetting_StartsWithThatKey()
    {
        using var host = BuildHost(new Dictionary<string, string?> { ["OPENAI_API_KEY"] = Secret });

        await host.StartAsync();
        var options = host.Services.GetRequiredService<IOptionsMonitor<OpenAIProviderOptions>>().Get("openai");
        await host.StopAsync();

        Assert.Equal(Secret, options.ApiKey);
    }

    [Fact]
    public async Task AddOpenAIProvider_ConfiguredKey_WinsOverOpenAIApiKey()
    {
        using var host = BuildHost(new Dictionary<string, string?>
        {
            ["OPENAI_API_KEY"] = "sk-from-environment",
            ["GenAiWorkflows:Providers:openai:ApiKey"] = Secret,
        });

        await host.StartAsync();
        var options = host.Services.GetRequiredService<IOptionsMonitor<OpenAIProviderOptions>>().Get("openai");
        await host.StopAsync();

        Assert.Equal(Secret, options.ApiKey);
    }

    [Fact]
    public void AddOpenAIProvider_SectionValues_AreBoundAndConfigureRunsAfterThem()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["GenAiWorkflows:Providers:local:ApiKey"] = "none",
            ["GenAiWorkflows:Providers:local:Endpoint"] = "http://127.0.0.1:8080/v1",
            ["GenAiWorkflows:Providers:local:Organization"] = "org-1",
            ["GenAiWorkflows:Providers:local:Project"] = "proj-1",
            ["GenAiWorkflows:Providers:local:DefaultModel"] = "llama3",
            ["GenAiWorkflows:Providers:local:MaxAttempts"] = "5",
            ["GenAiWorkflows:Providers:local:AttemptTimeout"] = "00:00:20",
            ["GenAiWorkflows:Providers:local:RequestTimeout"] = "00:02:00",
            ["GenAiWorkflows:Providers:local:RetryBaseDelay"] = "00:00:01",
        }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddGenAiWorkflows(wf => wf.AddOpenAIProvider("local", o => o.MaxAttempts = 4));
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptionsMonitor<OpenAIProviderOptions>>().Get("local");

        Assert.Equal(new Uri("http://127.0.0.1:8080/v1"), options.Endpoint);
        Assert.Equal("org-1", options.Organization);
        Assert.Equal("proj-1", options.Project);
        Assert.Equal("llama3", options.DefaultModel);
        Assert.Equal(4, options.MaxAttempts);
        Assert.Equal(TimeSpan.FromSeconds(20), options.AttemptTimeout);
        Assert.Equal(TimeSpan.FromMinutes(2), options.RequestTimeout);
        Assert.Equal(TimeSpan.FromSeconds(1), options.RetryBaseDelay);
        Assert.Equal(new Uri("http://127.0.0.1:8080/v1"), provider.GetRequiredService<ProviderRegistry>().Get("local").Endpoint());
    }

    [Fact]
    public async Task AddOpenAIProvider_NonNumericMaxAttempts_FailsOnHostStartNamingKeyValueAndVariables()
    {
        using var host = BuildHost(new Dictionary<string, string?>
        {
            ["OPENAI_API_KEY"] = Secret,
            ["GenAiWorkflows:Providers:openai:MaxAttempts"] = "three",
        });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        var message = string.Join("\n", error.Failures);
        Assert.Contains("GenAiWorkflows:Providers:openai:MaxAttempts is 'three', which is not a valid whole number", message, StringComparison.Ordinal);
        Assert.Contains("GENAI_WORKFLOW_PROVIDERS__OPENAI__MAX_ATTEMPTS", message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_BadValues_NameKeyValueAllowedValuesAndVariablesButNeverTheKey()
    {
        var validator = new OpenAIProviderOptionsValidator("openai");
        var options = new OpenAIProviderOptions
        {
            ApiKey = Secret,
            ApiType = "Bedrock",
            MaxAttempts = 0,
            AttemptTimeout = TimeSpan.FromMinutes(5),
            RequestTimeout = TimeSpan.FromMinutes(1),
            Endpoint = new Uri("ftp://example.org/"),
        };

        var result = validator.Validate("openai", options);

        Assert.True(result.Failed);
        var message = result.FailureMessage;
        Assert.Contains("GenAiWorkflows:Providers:openai:ApiType is 'Bedrock', but it must be one of OpenAI, Azure", message, StringComparison.Ordinal);
        Assert.Contains("GenAiWorkflows:Providers:openai:MaxAttempts is '0', but it must be a whole number from 1 (no retries) to 10", message, StringComparison.Ordinal);
        Assert.Contains("GENAI_WORKFLOW_PROVIDERS__OPENAI__MAX_ATTEMPTS", message, StringComparison.Ordinal);
        Assert.Contains("GenAiWorkflows:Providers:openai:RequestTimeout is '00:01:00', but it must be at least AttemptTimeout (00:05:00)", message, StringComparison.Ordinal);
        Assert.Contains("GenAiWorkflows:Providers:openai:Endpoint is 'ftp://example.org/'", message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_AzureWithoutEndpointAndWithUnknownApiVersion_FailsListingKnownVersions()
    {
        var validator = new OpenAIProviderOptionsValidator("azure");

        var result = validator.Validate("azure", new OpenAIProviderOptions { ApiKey = Secret, ApiType = "azure", ApiVersion = "2019-01-01" });

        Assert.True(result.Failed);
        Assert.Contains("GenAiWorkflows:Providers:azure:Endpoint is '(empty)'", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("GenAiWorkflows:Providers:azure:ApiVersion is '2019-01-01', but it must be one of", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("2024-10-21", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_AzureHostWithOpenAIApiType_AsksForApiTypeAzure()
    {
        var validator = new OpenAIProviderOptionsValidator("openai");

        var result = validator.Validate("openai", new OpenAIProviderOptions { ApiKey = Secret, Endpoint = new Uri("https://contoso.openai.azure.com/") });

        Assert.True(result.Failed);
        Assert.Contains("ApiType is 'OpenAI', but it must be Azure", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_DefaultsWithKey_Succeed()
    {
        var result = new OpenAIProviderOptionsValidator("openai").Validate("openai", new OpenAIProviderOptions { ApiKey = Secret });

        Assert.True(result.Succeeded);
    }

    [Fact]
    public void Validate_OtherProvidersOptions_AreSkipped()
    {
        var result = new OpenAIProviderOptionsValidator("openai").Validate("other", new OpenAIProviderOptions());

        Assert.True(result.Skipped);
    }

    private static IHost BuildHost(Dictionary<string, string?> settings)
    {
        // An empty builder: only these settings, so a real OPENAI_API_KEY in the test environment cannot leak in.
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddGenAiWorkflows(wf => wf.AddOpenAIProvider());
        return builder.Build();
    }
}
