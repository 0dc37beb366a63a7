using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Workflows.Providers.OpenAI.Tests;

/// <summary>How the provider's <see cref="IChatClient"/> is built: lazily from the container, or from settings at hand.</summary>
public sealed class OpenAIChatClientFactoryTests : IAsyncLifetime
{
    private ScriptedServer _server = null!;

    public async Task InitializeAsync() => _server = await ScriptedServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Create_FromServicesWithoutApiKey_DoesNotReadSettingsUntilInitialize()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddGenAiWorkflows(wf => wf.AddOpenAIProvider(configure: o => o.Endpoint = _server.V1));
        await using var provider = services.BuildServiceProvider();

        var client = OpenAIChatClientFactory.Create(provider, OpenAIProviderOptions.DefaultName); // no ApiKey: must not throw yet
        var lifecycle = client.GetService<IProviderLifecycle>()!;
        Assert.Null(client.GetService<ChatClientMetadata>()); // what UseOpenTelemetry() asks when it is built: no throw either
        using var traced = client.AsBuilder().UseOpenTelemetry().Build();

        // The options are validated when first read, with the validator's message naming the key and the variables.
        var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => lifecycle.InitializeAsync());
        Assert.Contains("GenAiWorkflows:Providers:openai:ApiKey is not set", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => client.GetResponseAsync("Hi", new ChatOptions { ModelId = "gpt-4o-mini" }));
        await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(async () =>
        {
            await foreach (var _ in client.GetStreamingResponseAsync("Hi", new ChatOptions { ModelId = "gpt-4o-mini" }))
            {
            }
        });
        Assert.Equal(0, _server.RequestCount);
    }

    [Fact]
    public async Task Create_WithSettingsAtHand_CallsTheEndpointAndReportsMetadata()
    {
        _server.EnqueueCompletion("direct");
        using var httpClient = new HttpClient();
        var options = new OpenAIProviderOptions { ApiKey = ProviderHarness.TestApiKey, Endpoint = _server.V1, DefaultModel = "gpt-4o-mini" };

        using var client = OpenAIChatClientFactory.Create("direct", options, httpClient, NullLogger.Instance, TimeProvider.System);
        var response = await client.GetResponseAsync("Hi");

        Assert.Equal("direct", response.Text);
        Assert.Equal("openai", client.GetService<ChatClientMetadata>()!.ProviderName);
        Assert.NotNull(client.GetService<IProviderLifecycle>());
        Assert.Equal("/v1/chat/completions", Assert.Single(_server.Requests).Path);
    }

    [Fact]
    public async Task AddOpenAIProvider_NamedClient_HasNoRequestLoggersAndDoesNotFollowRedirects()
    {
        await using var other = await ScriptedServer.StartAsync();
        _server.EnqueueJson(307, string.Empty, ("Location", new Uri(other.BaseAddress, "v1/chat/completions").ToString()));
        await using var harness = ProviderHarness.Create(o => o.Endpoint = _server.V1, minimumLevel: LogLevel.Trace);
        var factory = harness.Services.GetRequiredService<IHttpClientFactory>();
        using var client = factory.CreateClient(OpenAIHttpClientBuilderExtensions.ClientName("openai"));
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_server.V1 + "/chat/completions"));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ProviderHarness.TestApiKey);

        using var response = await client.SendAsync(request);

        Assert.Equal(System.Net.HttpStatusCode.TemporaryRedirect, response.StatusCode);
        Assert.Equal(0, other.RequestCount);
        Assert.DoesNotContain(harness.Logs.GetSnapshot(), static r => r.Category?.StartsWith("System.Net.Http.HttpClient", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task Create_WithSettingsAtHandWithoutApiKey_TheFirstCallSaysWhichSettingToSet()
    {
        using var httpClient = new HttpClient();
        var options = new OpenAIProviderOptions { Endpoint = _server.V1, DefaultModel = "gpt-4o-mini" };

        using var client = OpenAIChatClientFactory.Create("local", options, httpClient, NullLogger.Instance, TimeProvider.System);
        var error = await Assert.ThrowsAsync<ConfigurationException>(() => client.GetResponseAsync("Hi"));

        Assert.Equal(
            "Provider 'local' has no API key. Set OPENAI_API_KEY or " + EnvironmentVariableNames.Describe("GenAiWorkflows:Providers:local:ApiKey") + ".",
            error.Message);
        Assert.Equal("GenAiWorkflows:Providers:local:ApiKey", error.Key);
        Assert.Equal(0, _server.RequestCount);
    }

    [Fact]
    public async Task Create_AzureWithAnUnknownApiVersion_TheFirstCallListsTheKnownVersions()
    {
        using var httpClient = new HttpClient();
        var options = new OpenAIProviderOptions { ApiType = "Azure", ApiKey = ProviderHarness.TestApiKey, Endpoint = _server.BaseAddress, ApiVersion = "2020-01-01" };

        using var client = OpenAIChatClientFactory.Create("az", options, httpClient, NullLogger.Instance, TimeProvider.System);
        var error = await Assert.ThrowsAsync<ConfigurationException>(() => client.GetResponseAsync("Hi", new ChatOptions { ModelId = "my-gpt-4o" }));

        Assert.Equal(
            $"GenAiWorkflows:Providers:az:ApiVersion is '2020-01-01', but it must be one of {string.Join(", ", AzureApiVersions.Known)}.",
            error.Message);
        Assert.Contains("2024-10-21", AzureApiVersions.Known);
        Assert.Equal("GenAiWorkflows:Providers:az:ApiVersion", error.Key);
        Assert.Equal(0, _server.RequestCount);
    }

    [Fact]
    public async Task Create_AzureWithSettingsAtHand_SendsThroughTheGivenHttpClientWithoutRetriesOfItsOwn()
    {
        _server.EnqueueJson(500, """{"error":{"message":"The server had an error.","type":"server_error","param":null,"code":null}}""");
        using var counting = new CountingHandler(new SocketsHttpHandler());
        using var httpClient = new HttpClient(counting);
        var options = new OpenAIProviderOptions { ApiType = "Azure", ApiKey = ProviderHarness.TestApiKey, Endpoint = _server.BaseAddress };

        using var client = OpenAIChatClientFactory.Create("az", options, httpClient, NullLogger.Instance, TimeProvider.System);
        var error = await Assert.ThrowsAsync<ProviderException>(() => client.GetResponseAsync("Hi", new ChatOptions { ModelId = "my-gpt-4o" }));

        Assert.Equal(System.Net.HttpStatusCode.InternalServerError, error.StatusCode);
        Assert.Equal(1, counting.Count);
        Assert.Equal(1, _server.RequestCount);
        Assert.Equal("/openai/deployments/my-gpt-4o/chat/completions", _server.Requests[0].Path);
    }

    [Fact]
    public async Task Create_FromServicesWithAClock_MeasuresLatencyOnThatClock()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        _server.Enqueue(async context =>
        {
            clock.Advance(TimeSpan.FromMilliseconds(1234));
            await ScriptedServer.Respond(context, 200, ScriptedServer.Completion("timed"));
        });
        await using var harness = ProviderHarness.Create(o => o.Endpoint = _server.V1, timeProvider: clock, minimumLevel: LogLevel.Trace);

        await harness.ChatClient.GetResponseAsync("Hi", new ChatOptions { ModelId = "gpt-4o-mini" });

        var completed = Assert.Single(harness.Logs.GetSnapshot(), static r => r.Id.Id == 3001);
        Assert.Contains("latency 1234 ms", completed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_NullOrBlankArguments_ThrowNamingTheArgument()
    {
        await using var provider = new ServiceCollection().BuildServiceProvider();
        var options = new OpenAIProviderOptions { ApiKey = ProviderHarness.TestApiKey };
        using var httpClient = new HttpClient();

        Assert.Equal("services", Assert.Throws<ArgumentNullException>(() => OpenAIChatClientFactory.Create(null!, "openai")).ParamName);
        Assert.Equal("providerName", Assert.Throws<ArgumentException>(() => OpenAIChatClientFactory.Create(provider, " ")).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentNullException>(
            () => OpenAIChatClientFactory.Create("openai", (OpenAIProviderOptions)null!, httpClient, NullLogger.Instance, TimeProvider.System)).ParamName);
        Assert.Equal("httpClient", Assert.Throws<ArgumentNullException>(
            () => OpenAIChatClientFactory.Create("openai", options, (HttpClient)null!, NullLogger.Instance, TimeProvider.System)).ParamName);
    }

    [Fact]
    public void OpenAIProviderRuntime_NullOrBlankArguments_ThrowNamingTheArgument()
    {
        Func<OpenAIProviderOptions> options = static () => new OpenAIProviderOptions();
        Func<HttpClient> httpClient = static () => new HttpClient();
        var logger = NullLogger.Instance;
        var clock = TimeProvider.System;

        Assert.Equal("name", Assert.Throws<ArgumentException>(() => new OpenAIProviderRuntime(" ", options, httpClient, logger, clock)).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentNullException>(() => new OpenAIProviderRuntime("p", null!, httpClient, logger, clock)).ParamName);
        Assert.Equal("httpClient", Assert.Throws<ArgumentNullException>(() => new OpenAIProviderRuntime("p", options, null!, logger, clock)).ParamName);
        Assert.Equal("logger", Assert.Throws<ArgumentNullException>(() => new OpenAIProviderRuntime("p", options, httpClient, null!, clock)).ParamName);
        Assert.Equal("timeProvider", Assert.Throws<ArgumentNullException>(() => new OpenAIProviderRuntime("p", options, httpClient, logger, null!)).ParamName);
        using var client = new HttpClient();
        Assert.Equal("options", Assert.Throws<ArgumentNullException>(() => OpenAIProviderState.Create("p", null!, client)).ParamName);
        Assert.Equal("httpClient", Assert.Throws<ArgumentNullException>(() => OpenAIProviderState.Create("p", new OpenAIProviderOptions(), null!)).ParamName);
    }

    private sealed class CountingHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _count);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
