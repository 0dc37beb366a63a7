namespace Workflows.Providers.OpenAI;

/// <summary>
/// Settings of one OpenAI provider (api.openai.com, Azure OpenAI or an OpenAI-compatible server), bound from
/// <c>GenAiWorkflows:Providers:&lt;name&gt;</c> (environment variables <c>GenAiWorkflows__Providers__&lt;name&gt;__Key</c> or
/// <c>GENAI_WORKFLOW_PROVIDERS__&lt;NAME&gt;__KEY</c>) and validated when the host starts.
/// </summary>
/// <remarks>
/// The API key falls back to the <c>OPENAI_API_KEY</c> environment variable (or configuration key) when none is set.
/// The key never appears in any message or log the library writes.
/// </remarks>
public sealed class OpenAIProviderOptions
{
    /// <summary>The name the provider is registered under when none is given.</summary>
    public const string DefaultName = "openai";

    /// <summary>The environment variable (or top-level configuration key) the API key is read from when none is configured.</summary>
    public const string ApiKeyEnvironmentVariable = "OPENAI_API_KEY";

    /// <summary>The <see cref="ApiType"/> of api.openai.com and of OpenAI-compatible servers.</summary>
    public const string OpenAIApiType = "OpenAI";

    /// <summary>The <see cref="ApiType"/> of Azure OpenAI.</summary>
    public const string AzureApiType = "Azure";

    /// <summary>The Azure OpenAI REST API version used when none is configured (the latest generally available one the SDK knows).</summary>
    public const string DefaultAzureApiVersion = "2024-10-21";

    /// <summary>The endpoint of api.openai.com, used when <see cref="Endpoint"/> is not set.</summary>
    public static Uri OpenAIEndpoint { get; } = new("https://api.openai.com/v1");

    /// <summary>Gets or sets the API key (sent as <c>Authorization: Bearer</c>, or as the <c>api-key</c> header for Azure).</summary>
    /// <value>The default value is <see langword="null"/>: the key is read from <c>OPENAI_API_KEY</c>.</value>
    public string? ApiKey { get; set; }

    /// <summary>
    /// Gets or sets the base URI: <see langword="null"/> for api.openai.com, the resource endpoint for Azure OpenAI
    /// (<c>https://my-resource.openai.azure.com/</c>), or the base of an OpenAI-compatible server including its
    /// version path (<c>http://localhost:8080/v1</c> for llama.cpp, vLLM, LM Studio; <c>http://localhost:11434/v1</c> for Ollama).
    /// </summary>
    /// <value>The default value is <see langword="null"/> (<c>https://api.openai.com/v1</c>).</value>
    public Uri? Endpoint { get; set; }

    /// <summary>Gets or sets which API the endpoint speaks: <c>OpenAI</c> (also for compatible servers) or <c>Azure</c>.</summary>
    /// <value>The default value is <c>OpenAI</c>.</value>
    public string ApiType { get; set; } = OpenAIApiType;

    /// <summary>Gets or sets the OpenAI organization id sent as <c>OpenAI-Organization</c>; ignored for Azure.</summary>
    /// <value>The default value is <see langword="null"/> (not sent).</value>
    public string? Organization { get; set; }

    /// <summary>Gets or sets the OpenAI project id sent as <c>OpenAI-Project</c>; ignored for Azure.</summary>
    /// <value>The default value is <see langword="null"/> (not sent).</value>
    public string? Project { get; set; }

    /// <summary>
    /// Gets or sets the provider's default model: workflow steps that name no model use it (before
    /// <c>GenAiWorkflows:DefaultModel</c>), and it is the client's <c>ChatClientMetadata.DefaultModelId</c>, used for direct
    /// calls whose <c>ChatOptions.ModelId</c> is empty.
    /// </summary>
    /// <value>The default value is <see langword="null"/> (steps then use <c>GenAiWorkflows:DefaultModel</c>; direct calls without a model fail with a message saying what to set).</value>
    public string? DefaultModel { get; set; }

    /// <summary>
    /// Gets or sets the Azure OpenAI deployment every call goes to. When <see langword="null"/>, the request's model is
    /// used as the deployment name. Ignored for other API types.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? Deployment { get; set; }

    /// <summary>Gets or sets the Azure OpenAI REST API version (the <c>api-version</c> query parameter). Ignored for other API types.</summary>
    /// <value>The default value is <c>2024-10-21</c>.</value>
    public string ApiVersion { get; set; } = DefaultAzureApiVersion;

    /// <summary>Gets or sets the total number of HTTP attempts of one call, the first included (1 disables retries).</summary>
    /// <value>The default value is 3.</value>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Gets or sets the base delay of the exponential backoff between attempts (jitter is added). A <c>Retry-After</c> header overrides it.</summary>
    /// <value>The default value is two seconds.</value>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Gets or sets the longest computed backoff delay between attempts (a <c>Retry-After</c> header is honoured as sent).</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets how long one HTTP attempt may take: until the whole body has arrived, or for a streaming reply until the
    /// response headers arrive. A timed-out attempt is retried.
    /// </summary>
    /// <value>The default value is one minute.</value>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Gets or sets how long one call may take in total, all attempts and backoff delays included.</summary>
    /// <value>The default value is three minutes.</value>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>Gets a value indicating whether <see cref="ApiType"/> selects Azure OpenAI.</summary>
    internal bool IsAzure => string.Equals(ApiType, AzureApiType, StringComparison.OrdinalIgnoreCase);

    /// <summary>Gets the effective endpoint.</summary>
    internal Uri EffectiveEndpoint => Endpoint ?? OpenAIEndpoint;
}
