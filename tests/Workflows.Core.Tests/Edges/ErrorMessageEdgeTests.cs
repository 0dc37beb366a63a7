using Microsoft.Extensions.AI;

namespace Workflows.Tests.Edges;

/// <summary>
/// The exact text of errors users read: each names what was wrong and how to fix it, so a change in wording is a
/// change in behaviour.
/// </summary>
public sealed class ErrorMessageEdgeTests
{
    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void Workflow_BlankName_AsksForAName(string name)
    {
        var ex = Assert.Throws<WorkflowException>(() => new Workflow(name, [new TransformStep("a", _ => null)]));

        Assert.Equal("A workflow needs a non-empty name. Pass a name such as \"summarize\".", ex.Message);
    }

    [Fact]
    public void Workflow_NoSteps_NamesTheWorkflowAndHowToAddOne()
    {
        var ex = Assert.Throws<WorkflowException>(() => new Workflow("empty", []));

        Assert.Equal("Workflow 'empty' has no steps. Add at least one step (for example AddLlmStep or AddTransformStep).", ex.Message);
        Assert.Equal("empty", ex.WorkflowName);
    }

    [Fact]
    public void Workflow_InvalidStepName_ExplainsTheRule()
    {
        var ex = Assert.Throws<WorkflowException>(() => new TransformStep("2nd step", _ => null));

        Assert.StartsWith(
            "The step name '2nd step' is not valid. A step name starts with a letter or '_' and contains only " +
            "letters, digits, '_', '.' and '-' (pattern ",
            ex.Message,
            StringComparison.Ordinal);
        Assert.EndsWith("), because later steps refer to it as {name} in templates.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteByName_UnknownWorkflow_ListsTheRegisteredOnes()
    {
        await using var engine = new WorkflowEngine()
            .AddWorkflow(new Workflow("summarize", [new TransformStep("a", _ => null)]))
            .AddWorkflow(new Workflow("Classify", [new TransformStep("a", _ => null)]));

        var ex = await Assert.ThrowsAsync<WorkflowException>(() => engine.ExecuteAsync("translate"));

        Assert.Equal(
            "No workflow is registered under the name 'translate'. Registered workflows: Classify, summarize. " +
            "Register it with AddWorkflow(name, ...) or pass the Workflow itself.",
            ex.Message);
        Assert.Equal("translate", ex.WorkflowName);
    }

    [Fact]
    public async Task ExecuteByName_NoWorkflowRegistered_SaysNone()
    {
        await using var engine = new WorkflowEngine();

        var ex = await Assert.ThrowsAsync<WorkflowException>(() => engine.ExecuteAsync("translate"));

        Assert.Contains("Registered workflows: (none).", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddWorkflow_SameNameInAnotherCase_IsRefused()
    {
        await using var engine = new WorkflowEngine().AddWorkflow(new Workflow("summarize", [new TransformStep("a", _ => null)]));

        var ex = Assert.Throws<WorkflowException>(() => engine.AddWorkflow(new Workflow("Summarize", [new TransformStep("b", _ => null)])));

        Assert.Equal("A workflow named 'Summarize' is already registered; workflow names are case-insensitive. Use another name.", ex.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public async Task Execute_TimeoutNotPositive_IsRefused(int milliseconds)
    {
        await using var engine = new WorkflowEngine();
        var workflow = new Workflow("wf", [new TransformStep("a", _ => null)]);

        var ex = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            () => engine.ExecuteAsync(workflow, options: new WorkflowRunOptions { Timeout = TimeSpan.FromMilliseconds(milliseconds) }));

        Assert.Equal("options", ex.ParamName);
        Assert.StartsWith("A run timeout must be positive (or Timeout.InfiniteTimeSpan for none).", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Execute_InfiniteTimeout_IsAccepted()
    {
        await using var engine = new WorkflowEngine();
        var workflow = new Workflow("wf", [new TransformStep("a", _ => "ran")]);

        var result = await engine.ExecuteAsync(workflow, options: new WorkflowRunOptions { Timeout = Timeout.InfiniteTimeSpan });

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        Assert.Equal("ran", result.Output);
    }

    [Fact]
    public async Task CriticalMiddleware_ReturnsNullRequest_RunFailsNamingTheMiddlewareAndTheFix()
    {
        var mock = new MockChatClient();
        await using var engine = new WorkflowEngine(mock).Use(new NullRequestMiddleware());
        var workflow = Workflow.Create("nulls").AddLlmStep("ask", "hi").Build();

        var result = await engine.ExecuteAsync(workflow);

        Assert.Equal(WorkflowStatus.Failed, result.Status);
        Assert.Equal(ErrorKind.MiddlewareFailed, result.Error?.Kind);
        Assert.Contains(
            $"{typeof(NullRequestMiddleware).FullName}.BeforeLlmCallAsync returned null; return the value it was given to leave it unchanged.",
            result.Error?.Message,
            StringComparison.Ordinal);
        Assert.Equal(0, mock.CallCount);
    }

    [Fact]
    public void ModelRequest_NoMessages_IsRefused()
    {
        var ex = Assert.Throws<ArgumentException>(() => new ModelRequest([], new ChatOptions()));

        Assert.Equal("Messages", ex.ParamName);
        Assert.StartsWith("A model request needs at least one message.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ProviderRegistry_RegistrationErrors_NameTheProviderAndTheFix()
    {
        var registry = new ProviderRegistry().Register("main", new MockChatClient());

        var nullProvider = Assert.Throws<PluginRegistrationException>(() => registry.Register("other", null!));
        var duplicate = Assert.Throws<PluginRegistrationException>(() => registry.Register("MAIN", new MockChatClient()));
        var missing = Assert.Throws<PluginNotFoundException>(() => registry.Get("azure"));

        Assert.Equal("The provider registered as 'other' is null. Pass a provider instance.", nullProvider.Message);
        Assert.Equal(
            $"A provider named 'main' ({typeof(MockChatClient).FullName}) is already registered; " +
            $"names are case-insensitive. Register {typeof(MockChatClient).FullName} under another name.",
            duplicate.Message);
        Assert.Equal(
            "No provider is registered under the name 'azure'. Registered providers: mock, main. " +
            "Register it (for example with AddProvider<T>(\"azure\")) or use one of the registered names.",
            missing.Message);
        Assert.Equal(["mock", "main"], missing.AvailableNames);
    }

    [Fact]
    public async Task ProviderRegistry_CleanedUpProvider_CannotBeUsedAndSaysWhy()
    {
        var registry = new ProviderRegistry().Register("main", new MockChatClient());
        await registry.GetInitializedAsync("main");
        await registry.CleanupAsync();

        var ex = await Assert.ThrowsAsync<PluginException>(() => registry.GetInitializedAsync("main"));

        Assert.Equal(
            "Provider 'main' has been cleaned up (the host is stopping or the engine was disposed) and cannot be used.", ex.Message);
    }

    [Fact]
    public async Task Template_MissingVariable_ListsTheAvailableOnes()
    {
        await using var engine = new WorkflowEngine(new MockChatClient());
        var workflow = Workflow.Create("tpl").AddLlmStep("ask", "Write about {topic}").Build();

        var result = await engine.ExecuteAsync(workflow, new Dictionary<string, object?> { ["subject"] = "otters", ["audience"] = "kids" });

        Assert.Equal(WorkflowStatus.Failed, result.Status);
        Assert.Equal(
            "Step 'ask' uses the template variable '{topic}', but the run has no variable of that name. " +
            "Pass 'topic' in the run's inputs or add a step named 'topic' before this one. Available variables: audience, subject.",
            result.Error?.Message);
    }

    [Fact]
    public async Task Template_MissingVariableAndNoInputs_SaysNone()
    {
        await using var engine = new WorkflowEngine(new MockChatClient());
        var workflow = Workflow.Create("tpl").AddLlmStep("ask", "Write about {topic}").Build();

        var result = await engine.ExecuteAsync(workflow);

        Assert.EndsWith("Available variables: (none).", result.Error?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LlmStep_MaxToolRoundsBelowOne_IsRefused()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new LlmStep("ask", "hi") { MaxToolRounds = 0 });

        Assert.Equal("MaxToolRounds", ex.ParamName);
        Assert.StartsWith("Step 'ask': MaxToolRounds must be at least 1.", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, new LlmStep("ask", "hi") { MaxToolRounds = 1 }.MaxToolRounds);
    }

    [Fact]
    public async Task TypedOutput_ReplyOfAnotherShape_NamesTheTypeAndTheParserError()
    {
        await using var engine = new WorkflowEngine(new MockChatClient().WithFallback("""{"Title": 42}"""));
        var workflow = new Workflow("typed", [new LlmStep("ask", "Give a headline") { OutputType = typeof(Headline) }]);

        var result = await engine.ExecuteAsync(workflow);

        Assert.Equal(WorkflowStatus.Failed, result.Status);
        Assert.StartsWith(
            "Step 'ask' asked for a Headline as JSON, but the model's reply does not parse as one: ", result.Error?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SchemaOutput_ReplyBreaksTheSchema_ListsEachProblem()
    {
        using var schema = System.Text.Json.JsonDocument.Parse("""{"type":"object","required":["title","score"],"properties":{"score":{"type":"number"}}}""");
        await using var engine = new WorkflowEngine(new MockChatClient().WithFallback("""{"score":"high"}"""));
        var workflow = new Workflow("schema", [new LlmStep("ask", "Rate it") { OutputSchema = schema.RootElement.Clone() }]);

        var result = await engine.ExecuteAsync(workflow);

        Assert.Equal(WorkflowStatus.Failed, result.Status);
        Assert.Equal(
            "Step 'ask': the model's reply does not match the output schema: $.title is required but missing; $.score should be number, but is a string",
            result.Error?.Message);
    }

    [Fact]
    public async Task Map_ItemsVariableMissingOrNull_SaysWhatToPass()
    {
        await using var engine = new WorkflowEngine(new MockChatClient());
        var workflow = new Workflow("mapping", [new MapStep("each", "items", [new TransformStep("one", _ => null)])]);

        var missing = await engine.ExecuteAsync(workflow);
        var isNull = await engine.ExecuteAsync(workflow, new Dictionary<string, object?> { ["items"] = null });

        Assert.Equal(
            "Map 'each' maps over the variable 'items', which the run does not have. Pass it as an input or produce it in an earlier step.",
            missing.Error?.Message);
        Assert.Equal("Map 'each' maps over the variable 'items', which is null. Pass a list (an empty one for no items).", isNull.Error?.Message);
    }

    [Fact]
    public async Task ServiceStep_TypeNotInTheContainer_SaysHowToRegisterIt()
    {
        await using var engine = new WorkflowEngine();
        var workflow = new Workflow("svc", [new ServiceStep("enrich", typeof(UnregisteredStep))]);

        var result = await engine.ExecuteAsync(workflow);

        Assert.Equal(WorkflowStatus.Failed, result.Status);
        Assert.Equal(
            $"Step 'enrich' needs {typeof(UnregisteredStep).FullName}, which is not registered in the container. " +
            "Register it with AddStep<UnregisteredStep>() in AddGenAiWorkflows(...).",
            result.Error?.Message);
    }

    private sealed record Headline(string Title);

    private sealed class NullRequestMiddleware : WorkflowMiddleware
    {
        public override bool IsCritical => true;

        public override ValueTask<ModelRequest> BeforeLlmCallAsync(MiddlewareContext context, ModelRequest request, CancellationToken cancellationToken) =>
            ValueTask.FromResult<ModelRequest>(null!);
    }

    private sealed class UnregisteredStep() : WorkflowStep("unregistered")
    {
        public override ValueTask<object?> ExecuteAsync(StepContext context, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult<object?>(null);
    }
}
