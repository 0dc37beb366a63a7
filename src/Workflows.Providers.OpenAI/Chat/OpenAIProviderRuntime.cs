using System.ClientModel;
using System.ClientModel.Primitives;
using Azure.AI.OpenAI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using OpenAI;

namespace Workflows.Providers.OpenAI;

/// <summary>
/// What the chat clients of one provider share: its name, logger and clock, and its settings and SDK client, which are
/// read and built on first use (at the latest in <see cref="IProviderLifecycle.InitializeAsync"/>), so that creating the
/// client never pre-empts the options' validation on host start.
/// </summary>
internal sealed class OpenAIProviderRuntime
{
    private readonly Lazy<OpenAIProviderState> _state;

    public OpenAIProviderRuntime(string name, Func<OpenAIProviderOptions> options, Func<HttpClient> httpClient, ILogger logger, TimeProvider timeProvider)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(timeProvider);
        Name = name;
        Logger = logger;
        TimeProvider = timeProvider;
        _state = new Lazy<OpenAIProviderState>(() => OpenAIProviderState.Create(name, options(), httpClient()), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public string Name { get; }

    public ILogger Logger { get; }

    public TimeProvider TimeProvider { get; }

    public OpenAIProviderState State => _state.Value;

    public bool IsStateCreated => _state.IsValueCreated;

    /// <summary>
    /// Gets the metadata, or <see langword="null"/> while the settings cannot be read (invalid options): asking for it,
    /// as MEAI stages such as <c>UseOpenTelemetry()</c> do when they are built, must not fail before the host has started
    /// and reported the options' validation errors.
    /// </summary>
    public ChatClientMetadata? TryGetMetadata()
    {
        try
        {
            return State.Metadata;
        }
        catch (Exception ex) when (ex is Microsoft.Extensions.Options.OptionsValidationException or ConfigurationException)
        {
            return null;
        }
    }
}

/// <summary>The settings of one provider and the SDK client built from them.</summary>
internal sealed class OpenAIProviderState
{
    public const string OpenAISystemName = "openai";
    public const string AzureSystemName = "azure.ai.openai";

    private OpenAIProviderState(OpenAIProviderOptions options, OpenAIClient client, Uri endpoint)
    {
        Options = options;
        Client = client;
        Endpoint = endpoint;
        SystemName = options.IsAzure ? AzureSystemName : OpenAISystemName;
        Redactor = new Redactor(options.ApiKey, options.EffectiveEndpoint);
        Metadata = new ChatClientMetadata(SystemName, endpoint, options.DefaultModel);
    }

    public OpenAIProviderOptions Options { get; }

    public OpenAIClient Client { get; }

    /// <summary>Gets the effective endpoint without any user information.</summary>
    public Uri Endpoint { get; }

    /// <summary>Gets <c>openai</c> or <c>azure.ai.openai</c> (the GenAI semantic conventions' provider names).</summary>
    public string SystemName { get; }

    public Redactor Redactor { get; }

    public ChatClientMetadata Metadata { get; }

    public static OpenAIProviderState Create(string name, OpenAIProviderOptions options, HttpClient httpClient)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(httpClient);
        if (string.IsNullOrWhiteSpace(options.ApiKey))
        {
            throw new ConfigurationException(
                $"Provider '{name}' has no API key. Set {OpenAIProviderOptions.ApiKeyEnvironmentVariable} or " +
                $"{EnvironmentVariableNames.Describe(OpenAIProviderConfiguration.KeyPath(name, nameof(options.ApiKey)))}.",
                OpenAIProviderConfiguration.KeyPath(name, nameof(options.ApiKey)));
        }

        // The user information of the endpoint is never sent (HttpClient does not turn it into credentials) nor shown.
        var endpoint = Redactor.WithoutUserInfo(options.EffectiveEndpoint);
        var client = options.IsAzure ? CreateAzureClient(name, options, endpoint, httpClient) : CreateOpenAIClient(options, endpoint, httpClient);
        return new OpenAIProviderState(options, client, endpoint);
    }

    private static OpenAIClient CreateOpenAIClient(OpenAIProviderOptions options, Uri endpoint, HttpClient httpClient)
    {
        var clientOptions = new OpenAIClientOptions { Endpoint = endpoint };
        if (!string.IsNullOrWhiteSpace(options.Organization))
        {
            clientOptions.OrganizationId = options.Organization;
        }

        if (!string.IsNullOrWhiteSpace(options.Project))
        {
            clientOptions.ProjectId = options.Project;
        }

        ConfigurePipeline(clientOptions, options, httpClient);
        return new OpenAIClient(new ApiKeyCredential(options.ApiKey!), clientOptions);
    }

    private static AzureOpenAIClient CreateAzureClient(string name, OpenAIProviderOptions options, Uri endpoint, HttpClient httpClient)
    {
        if (!AzureApiVersions.TryParse(options.ApiVersion, out var version))
        {
            throw new ConfigurationException(
                $"{OpenAIProviderConfiguration.KeyPath(name, nameof(options.ApiVersion))} is '{options.ApiVersion}', but it must be one of " +
                $"{string.Join(", ", AzureApiVersions.Known)}.",
                OpenAIProviderConfiguration.KeyPath(name, nameof(options.ApiVersion)));
        }

        var clientOptions = new AzureOpenAIClientOptions(version);
        ConfigurePipeline(clientOptions, options, httpClient);
        return new AzureOpenAIClient(endpoint, new ApiKeyCredential(options.ApiKey!), clientOptions);
    }

    private static void ConfigurePipeline(ClientPipelineOptions clientOptions, OpenAIProviderOptions options, HttpClient httpClient)
    {
        // Exactly one retry layer: the HttpClient's resilience handler. The SDK must neither retry nor time out first.
        clientOptions.RetryPolicy = new ClientRetryPolicy(maxRetries: 0);
        clientOptions.NetworkTimeout = options.RequestTimeout + TimeSpan.FromSeconds(30);
        clientOptions.Transport = new HttpClientPipelineTransport(httpClient);
    }
}
