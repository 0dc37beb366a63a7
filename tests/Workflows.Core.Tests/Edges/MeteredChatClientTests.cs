using System.Diagnostics;
using Microsoft.Extensions.AI;
using Workflows.Tests.Diagnostics;

namespace Workflows.Tests.Edges;

/// <summary>The per-round stage under the function-invocation loop: metered calls, streamed as whole rounds, and the engine's span source.</summary>
public sealed class MeteredChatClientTests
{
    [Fact]
    public async Task GetStreamingResponseAsync_MetersOneCallAndReplaysItsResponse()
    {
        var provider = new ScriptedProvider { Content = "a metered round" };
        await using var engine = new WorkflowEngine(provider);
        var (client, run) = Create(engine, provider);

        var updates = await client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "hi")], new ChatOptions { ModelId = "gpt-4o-mini" }).ToListAsync();

        Assert.Equal("a metered round", updates.ToChatResponse().Text);
        Assert.Equal(1, provider.Calls);
        Assert.Equal(17, run.Usage.Total.TotalTokens);
    }

    [Fact]
    public async Task GetService_ActivitySourceWithoutKey_IsTheEngines_ElseTheProvidersAnswer()
    {
        var provider = new ScriptedProvider();
        await using var engine = new WorkflowEngine(provider);
        var (client, _) = Create(engine, provider);

        Assert.Same(WorkflowInstrumentation.Source, client.GetService(typeof(ActivitySource)));
        Assert.Null(client.GetService(typeof(ActivitySource), "keyed"));
        Assert.Equal("openai", Assert.IsType<ChatClientMetadata>(client.GetService(typeof(ChatClientMetadata))).ProviderName);
        Assert.Null(client.GetService(typeof(ChatClientMetadata), "keyed"));
    }

    private static (MeteredChatClient Client, WorkflowRun Run) Create(WorkflowEngine engine, IChatClient provider)
    {
        var workflow = new Workflow("metered", [new LlmStep("ask", "x")]);
        var run = new WorkflowRun(engine, workflow, "correlation", inputs: null, EmptyServiceProvider.Instance, new GenAiWorkflowOptions());
        var step = new StepAccumulator(workflow.Steps[0], "ask", run.Variables);
        var client = new MeteredChatClient(engine, run, step, "default", provider, ProviderInfo.Of(provider, "default"), maxToolRounds: 3);
        return (client, run);
    }
}
