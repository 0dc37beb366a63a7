using System.Globalization;
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

    [Fact]
    public void Validate_NullOptions_ThrowsArgumentNullException()
    {
        var error = Assert.Throws<ArgumentNullException>(() => new OpenAIProviderOptionsValidator("openai").Validate("openai", null!));

        Assert.Equal("options", error.ParamName);
    }

    [Fact]
    public void Validate_MissingApiKey_SaysWhereTheKeyGoesAndNeverShowsEndpointCredentials()
    {
        var failures = Failures(static o =>
        {
            o.ApiKey = " ";
            o.Endpoint = new Uri("http://admin:hunter2@localhost:8080/v1");
        });

        Assert.Equal(
            "GenAiWorkflows:Providers:openai:ApiKey is not set, so provider 'openai' cannot authenticate to http://localhost:8080/v1. " +
            "Set the environment variable OPENAI_API_KEY or GenAiWorkflows__Providers__openai__ApiKey (or GENAI_WORKFLOW_PROVIDERS__OPENAI__API_KEY), " +
            "or put the key in user secrets or another secret store (not in appsettings.json). " +
            "A local OpenAI-compatible server that checks no key accepts any placeholder, for example 'none'.",
            Assert.Single(failures));
        Assert.DoesNotContain("hunter2", failures[0], StringComparison.Ordinal);
        Assert.DoesNotContain("admin", failures[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_MissingApiKeyWithoutEndpoint_NamesTheOpenAIEndpoint()
    {
        var failures = Failures(static o => o.ApiKey = null);

        Assert.StartsWith(
            "GenAiWorkflows:Providers:openai:ApiKey is not set, so provider 'openai' cannot authenticate to https://api.openai.com/v1. ",
            Assert.Single(failures),
            StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_EndpointWithOtherSchemeAndCredentials_AsksForHttpAndHidesTheCredentials()
    {
        var failures = Failures(static o => o.Endpoint = new Uri("ftp://admin:hunter2@example.org/models"));

        Assert.Equal(
            "GenAiWorkflows:Providers:openai:Endpoint is 'ftp://example.org/models', but it must be an absolute http or https URI " +
            "such as https://my-resource.openai.azure.com/ or http://localhost:8080/v1. Set it in appsettings.json or config.yaml, " +
            "or with the environment variable GenAiWorkflows__Providers__openai__Endpoint (or GENAI_WORKFLOW_PROVIDERS__OPENAI__ENDPOINT).",
            Assert.Single(failures));
    }

    [Fact]
    public void Validate_RelativeEndpoint_ShowsItAsWritten()
    {
        var failures = Failures(static o => o.Endpoint = new Uri("v1/chat", UriKind.Relative));

        Assert.StartsWith(
            "GenAiWorkflows:Providers:openai:Endpoint is 'v1/chat', but it must be an absolute http or https URI",
            Assert.Single(failures),
            StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_AzureWithoutEndpoint_AsksForTheResourceEndpoint()
    {
        var failures = Failures(static o => o.ApiType = "Azure", "azure");

        Assert.Equal(
            "GenAiWorkflows:Providers:azure:Endpoint is '(empty)', but it must be the Azure OpenAI resource endpoint " +
            "(https://<resource>.openai.azure.com/) when ApiType is Azure. Set it in appsettings.json or config.yaml, " +
            "or with the environment variable GenAiWorkflows__Providers__azure__Endpoint (or GENAI_WORKFLOW_PROVIDERS__AZURE__ENDPOINT).",
            Assert.Single(failures));
    }

    [Theory]
    [InlineData("2019-01-01", "2019-01-01")]
    [InlineData("", "(empty)")]
    public void Validate_AzureWithUnknownApiVersion_ListsTheKnownVersionsOldestFirst(string apiVersion, string shown)
    {
        var failures = Failures(
            o =>
            {
                o.ApiType = "Azure";
                o.Endpoint = new Uri("https://contoso.openai.azure.com/");
                o.ApiVersion = apiVersion;
            },
            "azure");

        var failure = Assert.Single(failures);
        var prefix = $"GenAiWorkflows:Providers:azure:ApiVersion is '{shown}', but it must be one of ";
        const string Suffix = ". Set it in appsettings.json or config.yaml, or with the environment variable " +
                              "GenAiWorkflows__Providers__azure__ApiVersion (or GENAI_WORKFLOW_PROVIDERS__AZURE__API_VERSION).";
        Assert.StartsWith(prefix, failure, StringComparison.Ordinal);
        Assert.EndsWith(Suffix, failure, StringComparison.Ordinal);
        var listed = failure[prefix.Length..^Suffix.Length].Split(", ");
        Assert.Contains("2024-10-21", listed);
        Assert.True(listed.Length > 1);
        Assert.Equal(listed.Order(StringComparer.Ordinal), listed);
    }

    [Fact]
    public void AzureApiVersions_Known_IsOrderedOldestFirst()
    {
        Assert.Equal(AzureApiVersions.Known.Order(StringComparer.Ordinal), AzureApiVersions.Known);
        Assert.True(string.CompareOrdinal(AzureApiVersions.Known[0], AzureApiVersions.Known[^1]) < 0);
    }

    [Fact]
    public void Validate_EmptyApiType_ShowsItAsEmpty()
    {
        var failures = Failures(static o => o.ApiType = string.Empty);

        Assert.StartsWith(
            "GenAiWorkflows:Providers:openai:ApiType is '(empty)', but it must be one of OpenAI, Azure (OpenAI also serves OpenAI-compatible servers).",
            Assert.Single(failures),
            StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    public void Validate_MaxAttemptsAtTheLimits_Succeeds(int maxAttempts)
    {
        Assert.Empty(Failures(o => o.MaxAttempts = maxAttempts));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(11)]
    public void Validate_MaxAttemptsOnePastTheLimits_FailsNamingTheRange(int maxAttempts)
    {
        var failures = Failures(o => o.MaxAttempts = maxAttempts);

        Assert.Equal(
            $"GenAiWorkflows:Providers:openai:MaxAttempts is '{maxAttempts}', but it must be a whole number from 1 (no retries) to 10. " +
            "Set it in appsettings.json or config.yaml, or with the environment variable " +
            "GenAiWorkflows__Providers__openai__MaxAttempts (or GENAI_WORKFLOW_PROVIDERS__OPENAI__MAX_ATTEMPTS).",
            Assert.Single(failures));
    }

    [Fact]
    public void Validate_TimeoutsAndDelaysAtTheirLimits_Succeed()
    {
        Assert.Empty(Failures(static o =>
        {
            o.AttemptTimeout = TimeSpan.FromMilliseconds(10);
            o.RequestTimeout = TimeSpan.FromMilliseconds(10);
            o.RetryBaseDelay = TimeSpan.Zero;
            o.RetryMaxDelay = TimeSpan.Zero;
        }));
        Assert.Empty(Failures(static o =>
        {
            o.AttemptTimeout = TimeSpan.FromHours(24);
            o.RequestTimeout = TimeSpan.FromHours(24);
            o.RetryBaseDelay = TimeSpan.FromHours(24);
            o.RetryMaxDelay = TimeSpan.FromHours(24);
        }));
    }

    [Theory]
    [InlineData("AttemptTimeout", "00:00:00.0099999", "00:00:00.0100000")]
    [InlineData("AttemptTimeout", "1.00:00:00.0000001", "00:00:00.0100000")]
    [InlineData("RequestTimeout", "00:00:00.0099999", "00:00:00.0100000")]
    [InlineData("RequestTimeout", "1.00:00:00.0000001", "00:00:00.0100000")]
    [InlineData("RetryBaseDelay", "-00:00:00.0000001", "00:00:00")]
    [InlineData("RetryBaseDelay", "1.00:00:00.0000001", "00:00:00")]
    [InlineData("RetryMaxDelay", "-00:00:00.0000001", "00:00:00")]
    [InlineData("RetryMaxDelay", "1.00:00:00.0000001", "00:00:00")]
    public void Validate_TimeoutOrDelayOnePastItsLimits_FailsNamingTheRange(string property, string value, string min)
    {
        var span = TimeSpan.Parse(value, CultureInfo.InvariantCulture);

        // The related setting is moved along, so that only the range check fails.
        var failures = Failures(o =>
        {
            switch (property)
            {
                case "AttemptTimeout":
                    o.AttemptTimeout = span;
                    o.RequestTimeout = span;
                    break;
                case "RequestTimeout":
                    o.RequestTimeout = span;
                    o.AttemptTimeout = span;
                    break;
                case "RetryBaseDelay":
                    o.RetryBaseDelay = span;
                    o.RetryMaxDelay = span;
                    break;
                default:
                    o.RetryMaxDelay = span;
                    o.RetryBaseDelay = span;
                    break;
            }
        });

        Assert.Contains(
            $"GenAiWorkflows:Providers:openai:{property} is '{value}', but it must be a time span from {min} to 1.00:00:00. " +
            "Set it in appsettings.json or config.yaml, or with the environment variable " +
            $"GenAiWorkflows__Providers__openai__{property} (or GENAI_WORKFLOW_PROVIDERS__OPENAI__{ToUpperSnake(property)}).",
            failures);
        Assert.Single(failures, f => f.Contains($"openai:{property} is", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_RequestTimeoutEqualToAttemptTimeout_Succeeds()
    {
        Assert.Empty(Failures(static o =>
        {
            o.AttemptTimeout = TimeSpan.FromSeconds(30);
            o.RequestTimeout = TimeSpan.FromSeconds(30);
        }));
    }

    [Fact]
    public void Validate_RetryMaxDelayBelowRetryBaseDelay_AsksForAtLeastTheBaseDelay()
    {
        var failures = Failures(static o =>
        {
            o.RetryBaseDelay = TimeSpan.FromSeconds(2);
            o.RetryMaxDelay = TimeSpan.FromSeconds(1);
        });

        Assert.Equal(
            "GenAiWorkflows:Providers:openai:RetryMaxDelay is '00:00:01', but it must be at least RetryBaseDelay (00:00:02). " +
            "Set it in appsettings.json or config.yaml, or with the environment variable " +
            "GenAiWorkflows__Providers__openai__RetryMaxDelay (or GENAI_WORKFLOW_PROVIDERS__OPENAI__RETRY_MAX_DELAY).",
            Assert.Single(failures));
    }

    [Fact]
    public void Validate_RetryMaxDelayEqualToRetryBaseDelay_Succeeds()
    {
        Assert.Empty(Failures(static o =>
        {
            o.RetryBaseDelay = TimeSpan.FromSeconds(5);
            o.RetryMaxDelay = TimeSpan.FromSeconds(5);
        }));
    }

    private static List<string> Failures(Action<OpenAIProviderOptions> configure, string name = "openai")
    {
        var options = new OpenAIProviderOptions { ApiKey = Secret };
        configure(options);
        var result = new OpenAIProviderOptionsValidator(name).Validate(name, options);
        return [.. result.Failures ?? []];
    }

    private static string ToUpperSnake(string property) => property switch
    {
        "AttemptTimeout" => "ATTEMPT_TIMEOUT",
        "RequestTimeout" => "REQUEST_TIMEOUT",
        "RetryBaseDelay" => "RETRY_BASE_DELAY",
        _ => "RETRY_MAX_DELAY",
    };

    private static IHost BuildHost(Dictionary<string, string?> settings)
    {
        // An empty builder: only these settings, so a real OPENAI_API_KEY in the test environment cannot leak in.
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddGenAiWorkflows(wf => wf.AddOpenAIProvider());
        return builder.Build();
    }
}
