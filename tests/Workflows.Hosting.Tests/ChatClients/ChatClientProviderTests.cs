using System.Diagnostics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Workflows.Hosting.Tests.ChatClients;

public sealed class ChatClientProviderTests
{
    private static async Task<(WorkflowResult Result, ScriptedChatClient Client)> RunAsync(Func<ScriptedChatClient, IChatClient> wrap, string workflowName)
    {
        var inner = new ScriptedChatClient();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], DisableDefaults = true });
        builder.Services.AddSingleton(wrap(inner));
        builder.Services.AddGenAiWorkflows(wf => wf.AddChatClientProvider("meai"));
        using var host = builder.Build();
        await host.StartAsync();
        var engine = host.Services.GetRequiredService<IWorkflowEngine>();
        var workflow = Workflow.Create(workflowName)
            .AddStep(new LlmStep("ask", "Capital of {country}?", systemPrompt: "Answer in one word.")
            {
                Provider = "meai",
                Model = "gpt-4o",
                Temperature = 0.2,
                MaxTokens = 50,
            })
            .Build();
        var result = await engine.ExecuteAsync(workflow, new Dictionary<string, object?> { ["country"] = "France" });
        await host.StopAsync();
        return (result, inner);
    }

    [Fact]
    public async Task AddChatClientProvider_AnyChatClient_MapsRequestAndUsage()
    {
        var (result, client) = await RunAsync(static c => c, "meai-plain");

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        Assert.Equal("Paris", result.Output);
        var step = result.Steps[0];
        Assert.Equal(new TokenUsage { InputTokens = 21, OutputTokens = 9, TotalTokens = 30, CachedInputTokens = 5, ReasoningTokens = 2 }, step.Usage);
        Assert.Equal("gpt-4o-2024-08-06", step.Model);
        Assert.True(step.Cost.IsComplete);

        var (messages, options) = Assert.Single(client.Calls);
        Assert.Equal([ChatRole.System, ChatRole.User], messages.Select(m => m.Role));
        Assert.Equal("Capital of France?", messages[1].Text);
        Assert.Equal("gpt-4o", options?.ModelId);
        Assert.Equal(0.2f, options?.Temperature);
        Assert.Equal(50, options?.MaxOutputTokens);
    }

    [Fact]
    public async Task AddChatClientProvider_ClientAlreadyUsesOpenTelemetry_EngineRecordsNoSecondChatSpan()
    {
        var spans = new System.Collections.Concurrent.ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is WorkflowTelemetry.SourceName or "meai-test" or "chat-client-test",
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        using var parent = new ActivitySource("chat-client-test").StartActivity("test");

        var (result, _) = await RunAsync(static c => c.AsBuilder().UseOpenTelemetry(sourceName: "meai-test").Build(), "meai-otel");

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        var mine = spans.Where(s => s.TraceId == parent!.TraceId).ToList();
        Assert.Single(mine, s => s.Source.Name == "meai-test" && s.OperationName.StartsWith("chat", StringComparison.Ordinal));
        Assert.DoesNotContain(mine, s => s.Source.Name == WorkflowTelemetry.SourceName && s.OperationName.StartsWith("chat", StringComparison.Ordinal));
        Assert.Contains(mine, s => s.Source.Name == WorkflowTelemetry.SourceName && s.OperationName == "invoke_workflow meai-otel");
    }

    [Fact]
    public void AddChatClientProvider_NoChatClientRegistered_StartFailsWithHint()
    {
        var services = new ServiceCollection();
        services.AddGenAiWorkflows(wf => wf.AddChatClientProvider("meai"));
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<PluginRegistrationException>(() => provider.GetRequiredService<ProviderRegistry>());

        Assert.Contains("no", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("AddChatClient", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BuiltInMock_IsResolvableAsKeyedChatClientAndUsableOutsideWorkflows()
    {
        var services = new ServiceCollection();
        services.AddGenAiWorkflows();
        await using var provider = services.BuildServiceProvider();

        var client = provider.GetRequiredKeyedService<IChatClient>("mock");
        var response = await client.GetResponseAsync("ping");

        Assert.Same(provider.GetRequiredService<ProviderRegistry>().Get("mock"), client);
        Assert.Equal("Mock response to: ping", response.Text);
    }

    [Fact]
    public async Task AddMockProvider_ReplacesTheKeyedMockTheRegistryAndAppsShare()
    {
        var services = new ServiceCollection();
        services.AddGenAiWorkflows(wf => wf.AddMockProvider(m => m.WithFallback("configured")));
        await using var provider = services.BuildServiceProvider();

        var client = provider.GetRequiredKeyedService<IChatClient>("mock");

        Assert.Same(provider.GetRequiredService<ProviderRegistry>().Get("mock"), client);
        Assert.Equal("configured", (await client.GetResponseAsync("ping")).Text);
    }

    private sealed class ScriptedChatClient : IChatClient
    {
        public List<(List<ChatMessage> Messages, ChatOptions? Options)> Calls { get; } = [];

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            Calls.Add((messages.ToList(), options));
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "Paris"))
            {
                ModelId = "gpt-4o-2024-08-06",
                FinishReason = ChatFinishReason.Stop,
                ResponseId = "resp-1",
                Usage = new UsageDetails
                {
                    InputTokenCount = 21,
                    OutputTokenCount = 9,
                    TotalTokenCount = 30,
                    CachedInputTokenCount = 5,
                    ReasoningTokenCount = 2,
                },
            });
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException("The workflow adapter does not stream.");

        public object? GetService(Type serviceType, object? serviceKey = null) =>
            serviceType == typeof(ChatClientMetadata) ? new ChatClientMetadata("scripted", new Uri("http://127.0.0.1:5000/"), "gpt-4o") : null;

        public void Dispose()
        {
        }
    }
}
