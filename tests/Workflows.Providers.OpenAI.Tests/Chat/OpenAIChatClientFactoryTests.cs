using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

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
}
