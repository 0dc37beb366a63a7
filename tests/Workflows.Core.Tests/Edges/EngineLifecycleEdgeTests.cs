using System.Diagnostics.Metrics;
using Microsoft.Extensions.AI;
using Workflows.Tests.Diagnostics;

namespace Workflows.Tests.Edges;

/// <summary>Engines built directly: provider and meter cleanup on disposal, a disposed engine's runs, and the workflows declared in the options they are given.</summary>
public sealed class EngineLifecycleEdgeTests
{
    [Fact]
    public async Task DisposeAsync_EngineOnTheCallersRegistry_CleansUpItsProvidersOnce()
    {
        var provider = new LifecycleClient();
        var registry = new ProviderRegistry().Register("mine", provider);
        var engine = new WorkflowEngine(registry);
        var result = await engine.ExecuteAsync(Workflow.Create("w").AddLlmStep("a", "hi", provider: "mine").Build());

        await engine.DisposeAsync();

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        Assert.Equal(1, provider.Initializations);
        Assert.Equal(1, provider.Cleanups);
    }

    [Fact]
    public async Task DisposeAsync_EngineWithNoArguments_CleansUpProvidersRegisteredOnIt()
    {
        var provider = new LifecycleClient();
        var engine = new WorkflowEngine();
        engine.Providers.Register("extra", provider);
        var result = await engine.ExecuteAsync(Workflow.Create("w").AddLlmStep("a", "hi", provider: "extra").Build());

        await engine.DisposeAsync();

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        Assert.Equal(1, provider.Initializations);
        Assert.Equal(1, provider.Cleanups);
    }

    [Fact]
    public async Task Dispose_Synchronous_CleansUpLikeDisposeAsync()
    {
        var provider = new LifecycleClient();
        var engine = new WorkflowEngine(provider);
        var result = await engine.ExecuteAsync(Workflow.Create("w").AddLlmStep("a", "hi").Build());

        engine.Dispose();

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        Assert.Equal(1, provider.Cleanups);
    }

    [Fact]
    public async Task Constructor_OptionsDeclareWorkflows_TheyRunByNameWithoutAHost()
    {
        var options = new GenAiWorkflowOptions();
        var definition = new WorkflowDefinition();
        definition.Steps.Add(new StepDefinition { Name = "greet", Prompt = "Say hello to {who}" });
        definition.Steps.Add(new StepDefinition { Name = "shout", Prompt = "Shout: {greet}" });
        options.Workflows["Greeter"] = definition;
        var mock = new MockChatClient().WithFallback(messages => $"<{messages[^1].Text}>");
        await using var engine = new WorkflowEngine(mock, options);

        var result = await engine.ExecuteAsync("greeter", new Dictionary<string, object?> { ["who"] = "Ada" });

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        Assert.Equal("Greeter", result.WorkflowName);
        Assert.Equal(["greet", "shout"], result.Steps.Select(s => s.StepName));
        Assert.Equal("<Shout: <Say hello to Ada>>", result.Output);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Constructor_ConfiguredStepWithoutName_IsRejectedNamingTheKey(string? name)
    {
        var options = WithOneStep(new StepDefinition { Name = name, Prompt = "hi" });

        var error = Assert.Throws<WorkflowException>(() => new WorkflowEngine(new MockChatClient(), options));

        Assert.StartsWith("GenAiWorkflows:Workflows:wf:Steps:0:Name is missing.", error.Message, StringComparison.Ordinal);
        Assert.Equal("wf", error.WorkflowName);
    }

    [Theory]
    [InlineData("Temperature", -0.1, "Temperature is -0.1, but it must be from 0 to 2.")]
    [InlineData("Temperature", 2.01, "Temperature is 2.01, but it must be from 0 to 2.")]
    [InlineData("MaxTokens", 0, "MaxTokens is 0, but it must be from 1 to 1000000.")]
    [InlineData("MaxTokens", 1_000_001, "MaxTokens is 1000001, but it must be from 1 to 1000000.")]
    [InlineData("TopP", -0.5, "TopP is -0.5, but it must be from 0 to 1.")]
    [InlineData("TopP", 1.01, "TopP is 1.01, but it must be from 0 to 1.")]
    [InlineData("TimeoutSeconds", 0, "TimeoutSeconds is 0, but it must be greater than 0.")]
    [InlineData("TimeoutSeconds", -3, "TimeoutSeconds is -3, but it must be greater than 0.")]
    public void Constructor_ConfiguredStepValueOutOfRange_IsRejectedNamingTheKey(string setting, double value, string expected)
    {
        var options = WithOneStep(Step(setting, value));

        var error = Assert.Throws<WorkflowException>(() => new WorkflowEngine(new MockChatClient(), options));

        Assert.Equal($"GenAiWorkflows:Workflows:wf:Steps:0:{expected}", error.Message);
    }

    [Theory]
    [InlineData("Temperature", 0)]
    [InlineData("Temperature", 2)]
    [InlineData("MaxTokens", 1)]
    [InlineData("MaxTokens", 1_000_000)]
    [InlineData("TopP", 0)]
    [InlineData("TopP", 1)]
    [InlineData("TimeoutSeconds", 0.5)]
    public async Task Constructor_ConfiguredStepValueAtItsLimit_IsAccepted(string setting, double value)
    {
        var options = WithOneStep(Step(setting, value));
        await using var engine = new WorkflowEngine(new MockChatClient(), options);

        var result = await engine.ExecuteAsync("wf");

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        Assert.Equal(["draft"], result.Steps.Select(s => s.StepName));
    }

    private static StepDefinition Step(string setting, double value)
    {
        var step = new StepDefinition { Name = "draft", Prompt = "hi" };
        switch (setting)
        {
            case "Temperature": step.Temperature = value; break;
            case "MaxTokens": step.MaxTokens = (int)value; break;
            case "TopP": step.TopP = value; break;
            case "TimeoutSeconds": step.TimeoutSeconds = value; break;
            default: throw new ArgumentOutOfRangeException(nameof(setting), setting, null);
        }

        return step;
    }

    private static GenAiWorkflowOptions WithOneStep(StepDefinition step)
    {
        var options = new GenAiWorkflowOptions();
        var definition = new WorkflowDefinition();
        definition.Steps.Add(step);
        options.Workflows["wf"] = definition;
        return options;
    }

    [Fact]
    public async Task DisposeAsync_EngineWithoutMeterFactory_DisposesItsMeter()
    {
        using var listener = new MeterListener();
        listener.InstrumentPublished = static (instrument, l) =>
        {
            if (instrument.Meter.Name == WorkflowTelemetry.SourceName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.Start();
        var engine = new WorkflowEngine();
        Assert.True(engine.Instrumentation.Runs.Enabled);

        await engine.DisposeAsync();

        Assert.False(engine.Instrumentation.Runs.Enabled);
    }

    [Fact]
    public async Task ExecuteAsync_AfterDisposal_StepErrorNamesTheCleanedUpProviderType()
    {
        var engine = new WorkflowEngine(new ScriptedProvider());
        await engine.DisposeAsync();

        var result = await engine.ExecuteAsync(Workflow.Create("after-dispose").AddLlmStep("ask", "x").Build());

        Assert.Equal(WorkflowStatus.Failed, result.Status);
        Assert.StartsWith("Provider 'default' has been cleaned up", result.Error?.Message, StringComparison.Ordinal);
        Assert.Equal(typeof(ScriptedProvider).FullName, result.Error?.PluginType);
        Assert.Equal(typeof(ScriptedProvider).Assembly.GetName().Name, result.Error?.PluginAssembly);
    }

    private sealed class LifecycleClient : TestChatClient, IProviderLifecycle
    {
        private int _initializations;
        private int _cleanups;

        public int Initializations => Volatile.Read(ref _initializations);

        public int Cleanups => Volatile.Read(ref _cleanups);

        public Task InitializeAsync(CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _initializations);
            return Task.CompletedTask;
        }

        public Task CleanupAsync(CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _cleanups);
            return Task.CompletedTask;
        }

        protected override Task<ChatResponse> RespondAsync(IReadOnlyList<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken) =>
            Task.FromResult(Reply("ok"));
    }
}
