using Workflows.Tests.TestSupport;

namespace Workflows.Tests.Execution;

public sealed partial class WorkflowEngineTests
{
    private static Dictionary<string, object?> Inputs(params (string Name, object? Value)[] values) =>
        values.ToDictionary(static v => v.Name, static v => v.Value);

    [Fact]
    public async Task ExecuteAsync_Steps_RunInOrderAndPassOutputsByName()
    {
        var order = new List<string>();
        var mock = new MockChatClient().WithPatternResponse("^Outline (.+)$", "outline of $1");
        await using var engine = new WorkflowEngine(mock);
        var workflow = Workflow.Create("wf")
            .AddTransformStep("count", ctx => { order.Add(ctx.StepName); return ctx.Get<string>("topic")!.Length; })
            .AddLlmStep("outline", "Outline {topic}")
            .AddTransformStep("final", ctx =>
            {
                order.Add(ctx.StepName);
                return $"{ctx.Get<string>("outline")} ({ctx.Get<int>("count")} chars, input {ctx.GetVariable("topic")})";
            })
            .Build();

        var result = await engine.ExecuteAsync(workflow, Inputs(("topic", "otters")));

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        Assert.True(result.IsSuccess);
        Assert.Null(result.Error);
        Assert.Equal(["count", "final"], order);
        Assert.Equal(["count", "outline", "final"], result.Steps.Select(static s => s.StepName));
        Assert.All(result.Steps, static s => Assert.Equal(StepStatus.Completed, s.Status));
        Assert.Equal(6, result.GetStep("count")!.Output);
        Assert.Equal("outline of otters", result.GetStep("outline")!.Output);
        Assert.Equal("outline of otters (6 chars, input otters)", result.Output);
        Assert.Equal(["Outline otters"], mock.Calls.Select(static r => r.Prompt));
    }

    [Fact]
    public async Task ExecuteAsync_NonStringOutput_IsRenderedIntoLaterTemplates()
    {
        var mock = new MockChatClient();
        await using var engine = new WorkflowEngine(mock);
        var workflow = Workflow.Create("wf")
            .AddTransformStep("n", static _ => 2.5)
            .AddLlmStep("ask", "Double {n} for {who}")
            .Build();

        var result = await engine.ExecuteAsync(workflow, Inputs(("who", "me")));

        Assert.Equal("Mock response to: Double 2.5 for me", result.Output);
    }

    [Fact]
    public async Task ExecuteAsync_InputsDictionary_IsNotModified()
    {
        await using var engine = new WorkflowEngine();
        var inputs = Inputs(("topic", "x"));

        await engine.ExecuteAsync(Workflow.Create("wf").AddTransformStep("a", static _ => 1).Build(), inputs);

        Assert.Equal(["topic"], inputs.Keys);
    }

    [Fact]
    public async Task ExecuteAsync_StepContext_ExposesRunIdentity()
    {
        StepContext? seen = null;
        string? workflowId = null;
        await using var engine = new WorkflowEngine();
        var workflow = Workflow.Create("identity")
            .AddTransformStep("look", ctx => { seen = ctx; workflowId = ctx.WorkflowId; return ctx.StepName; })
            .Build();

        var result = await engine.ExecuteAsync(workflow, options: new WorkflowRunOptions { CorrelationId = "corr-1" });

        Assert.Equal("identity", seen!.WorkflowName);
        Assert.Equal(result.WorkflowId, workflowId);
        Assert.Equal("corr-1", seen.CorrelationId);
        Assert.Equal("corr-1", result.CorrelationId);
        Assert.Equal("look", result.Output);
    }

    [Fact]
    public async Task ExecuteAsync_EachRun_GetsNewUuidWorkflowId()
    {
        await using var engine = new WorkflowEngine();
        var workflow = Workflow.Create("wf").AddTransformStep("a", static _ => 1).Build();

        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await engine.ExecuteAsync(workflow)).WorkflowId);
        }

        Assert.All(ids, static id => Assert.True(Guid.TryParse(id, out var guid) && guid != Guid.Empty, id));
        Assert.Equal(5, ids.Distinct().Count());
    }

    [Fact]
    public async Task ExecuteAsync_LlmStep_RecordsUsageCostModelAndProvider()
    {
        var mock = new MockChatClient().WithResponse("12345678", "abcd");
        await using var engine = new WorkflowEngine(mock);
        var workflow = Workflow.Create("wf").AddLlmStep("ask", "12345678", model: "gpt-4o").Build();

        var result = await engine.ExecuteAsync(workflow);

        var step = result.GetStep("ask")!;
        Assert.Equal("llm", step.StepType);
        Assert.Equal(TokenUsage.From(2, 1), step.Usage);
        Assert.Equal(1, step.LlmCalls);
        Assert.Equal("gpt-4o", step.Model);
        Assert.Equal(WorkflowEngine.DefaultProviderName, step.Provider);
        Assert.Equal((2 * 2.50m / 1_000_000) + (1 * 10.00m / 1_000_000), step.Cost.AmountUsd);
        Assert.Equal(step.Usage, result.Metrics.TotalUsage);
        Assert.Equal(step.Cost, result.Metrics.TotalCost);
        Assert.Equal(1, result.Metrics.LlmCalls);
        Assert.Equal(1, result.Metrics.StepsCompleted);
        Assert.Equal(["ask"], result.Metrics.Steps.Select(static s => s.StepName));
    }

    [Fact]
    public async Task ExecuteAsync_UnpricedModel_CostIsIncompleteNotZero()
    {
        await using var engine = new WorkflowEngine(new MockChatClient());
        var workflow = Workflow.Create("wf").AddLlmStep("ask", "hi", model: "my-local-model").Build();

        var result = await engine.ExecuteAsync(workflow);

        Assert.False(result.Metrics.TotalCost.IsComplete);
        Assert.Equal(["my-local-model"], result.Metrics.TotalCost.UnpricedModels);
    }

    [Fact]
    public async Task ExecuteAsync_CriticalStepThrows_FailsWithAttributedErrorAndSkipsLaterSteps()
    {
        var laterRan = false;
        var boom = new InvalidOperationException("parser exploded");
        await using var engine = new WorkflowEngine();
        var workflow = Workflow.Create("wf")
            .AddTransformStep("first", static _ => "ok")
            .AddTransformStep("parse", _ => throw boom)
            .AddTransformStep("later", _ => laterRan = true)
            .Build();

        var result = await engine.ExecuteAsync(workflow);

        Assert.Equal(WorkflowStatus.Failed, result.Status);
        Assert.False(laterRan);
        Assert.Equal(["first", "parse"], result.Steps.Select(static s => s.StepName));
        Assert.Equal(StepStatus.Failed, result.GetStep("parse")!.Status);
        var error = result.Error!;
        Assert.Equal(ErrorKind.StepFailed, error.Kind);
        Assert.Equal("parse", error.StepName);
        Assert.Equal("transform", error.StepType);
        Assert.Equal("System.InvalidOperationException", error.ExceptionType);
        Assert.Equal("parser exploded", error.Message);
        Assert.Same(boom, error.Exception);
        Assert.Equal(result.GetStep("parse")!.Error, error);
        Assert.Equal("ok", result.Output);
        Assert.Equal(1, result.Metrics.StepsCompleted);
        Assert.Equal(1, result.Metrics.StepsFailed);
    }

    [Fact]
    public async Task ExecuteAsync_ProviderFails_LlmStepFailsWithProviderException()
    {
        var mock = new MockChatClient().FailOnCall(1);
        await using var engine = new WorkflowEngine(mock);

        var result = await engine.ExecuteAsync(Workflow.Create("wf").AddLlmStep("ask", "hi").Build());

        Assert.Equal(WorkflowStatus.Failed, result.Status);
        Assert.Equal("ask", result.Error!.StepName);
        Assert.Equal("llm", result.Error.StepType);
        Assert.Equal(typeof(ProviderException).FullName, result.Error.ExceptionType);
    }

    [Fact]
    public async Task ExecuteAsync_UnknownProvider_FailsListingRegisteredProviders()
    {
        await using var engine = new WorkflowEngine(new MockChatClient());

        var result = await engine.ExecuteAsync(Workflow.Create("wf").AddLlmStep("ask", "hi", provider: "nope").Build());

        Assert.Equal(WorkflowStatus.Failed, result.Status);
        Assert.Equal(typeof(PluginNotFoundException).FullName, result.Error!.ExceptionType);
        Assert.Contains("mock, default", result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_MissingTemplateVariable_FailsNamingStepAndVariable()
    {
        var mock = new MockChatClient();
        await using var engine = new WorkflowEngine(mock);
        var workflow = Workflow.Create("wf").AddLlmStep("summary", "Summarize {draft}").Build();

        var result = await engine.ExecuteAsync(workflow, Inputs(("topic", "x")));

        Assert.Equal(WorkflowStatus.Failed, result.Status);
        Assert.Equal("summary", result.Error!.StepName);
        Assert.Equal(typeof(TemplateVariableMissingException).FullName, result.Error.ExceptionType);
        Assert.Contains("{draft}", result.Error.Message, StringComparison.Ordinal);
        Assert.Contains("Available variables: topic", result.Error.Message, StringComparison.Ordinal);
        Assert.Equal(0, mock.CallCount);
    }

    [Fact]
    public async Task ExecuteAsync_UnknownVariableInTransform_FailsListingVariables()
    {
        await using var engine = new WorkflowEngine();
        var workflow = Workflow.Create("wf").AddTransformStep("read", static ctx => ctx.GetVariable("nope")).Build();

        var result = await engine.ExecuteAsync(workflow, Inputs(("a", 1), ("b", 2)));

        Assert.Equal(typeof(KeyNotFoundException).FullName, result.Error!.ExceptionType);
        Assert.Contains("Available variables: a, b", result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_NonCriticalStepFails_RecordsFailureAndGoesOn()
    {
        await using var engine = new WorkflowEngine();
        var workflow = Workflow.Create("wf")
            .AddTransformStep("a", static _ => "A")
            .AddTransformStep("enrich", static _ => throw new InvalidOperationException("optional"), isCritical: false)
            .AddTransformStep("c", static ctx => ctx.Get<string>("a") + "C" + (ctx.TryGetVariable("enrich", out _) ? "!" : "?"))
            .Build();

        var result = await engine.ExecuteAsync(workflow);

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        Assert.Null(result.Error);
        var enrich = result.GetStep("enrich")!;
        Assert.Equal(StepStatus.Failed, enrich.Status);
        Assert.False(enrich.IsCritical);
        Assert.Equal("optional", enrich.Error!.Message);
        Assert.Equal("AC?", result.Output);
        Assert.Equal(2, result.Metrics.StepsCompleted);
        Assert.Equal(1, result.Metrics.StepsFailed);
    }

    [Fact]
    public async Task ExecuteAsync_LastStepNonCriticalFails_OutputIsLastCompletedStepOutput()
    {
        await using var engine = new WorkflowEngine();
        var workflow = Workflow.Create("wf")
            .AddTransformStep("a", static _ => "from a")
            .AddTransformStep("b", static _ => throw new InvalidOperationException(), isCritical: false)
            .Build();

        var result = await engine.ExecuteAsync(workflow);

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        Assert.Equal("from a", result.Output);
    }

    [Fact]
    public async Task ExecuteAsync_StepThrowsOperationCanceledOnItsOwn_IsFailedNotCancelled()
    {
        await using var engine = new WorkflowEngine();
        var workflow = Workflow.Create("wf").AddTransformStep("a", static _ => throw new OperationCanceledException("inner timeout")).Build();

        var result = await engine.ExecuteAsync(workflow);

        Assert.Equal(WorkflowStatus.Failed, result.Status);
        Assert.Equal(ErrorKind.StepFailed, result.Error!.Kind);
    }

    [Fact]
    public async Task ExecuteAsync_ByName_RunsRegisteredWorkflowCaseInsensitively()
    {
        await using var engine = new WorkflowEngine();
        engine.AddWorkflow(Workflow.Create("Greet").AddTransformStep("hi", static ctx => $"hi {ctx.GetVariable("who")}").Build());

        var result = await engine.ExecuteAsync("greet", Inputs(("who", "Ada")));

        Assert.Equal("Greet", result.WorkflowName);
        Assert.Equal("hi Ada", result.Output);
    }

    [Fact]
    public async Task ExecuteAsync_UnknownName_ThrowsListingRegisteredWorkflows()
    {
        await using var engine = new WorkflowEngine();
        engine.AddWorkflow(Workflow.Create("beta").AddTransformStep("x", static _ => 1).Build());
        engine.AddWorkflow(Workflow.Create("alpha").AddTransformStep("x", static _ => 1).Build());

        var ex = await Assert.ThrowsAsync<WorkflowException>(() => engine.ExecuteAsync("gamma"));

        Assert.Equal("gamma", ex.WorkflowName);
        Assert.Contains("alpha, beta", ex.Message, StringComparison.Ordinal);
        Assert.Throws<WorkflowException>(() => engine.Execute("gamma"));
    }

    [Fact]
    public async Task AddWorkflow_DuplicateName_Throws()
    {
        await using var engine = new WorkflowEngine();
        engine.AddWorkflow(Workflow.Create("wf").AddTransformStep("x", static _ => 1).Build());

        Assert.Throws<WorkflowException>(() => engine.AddWorkflow(Workflow.Create("WF").AddTransformStep("x", static _ => 1).Build()));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public async Task ExecuteAsync_NonPositiveTimeout_ThrowsArgumentOutOfRange(int milliseconds)
    {
        await using var engine = new WorkflowEngine();
        var workflow = Workflow.Create("wf").AddTransformStep("x", static _ => 1).Build();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            engine.ExecuteAsync(workflow, options: new WorkflowRunOptions { Timeout = TimeSpan.FromMilliseconds(milliseconds) }));
    }

    [Fact]
    public async Task ExecuteAsync_InfiniteTimeout_IsAllowed()
    {
        await using var engine = new WorkflowEngine();
        var workflow = Workflow.Create("wf").AddTransformStep("x", static _ => 1).Build();

        var result = await engine.ExecuteAsync(workflow, options: new WorkflowRunOptions { Timeout = Timeout.InfiniteTimeSpan }).Within();

        Assert.Equal(WorkflowStatus.Completed, result.Status);
    }

    [Fact]
    public async Task DisposeAsync_OwnedProviders_AreCleanedUp()
    {
        var provider = new Providers.ProviderRegistryTests.CountingProvider();
        var engine = new WorkflowEngine(provider);
        await engine.ExecuteAsync(Workflow.Create("wf").AddLlmStep("a", "x").Build());

        await engine.DisposeAsync();

        Assert.Equal(1, provider.Initializations);
        Assert.Equal(1, provider.Cleanups);
    }

    [Fact]
    public void Dispose_Sync_CleansUpOwnedProvidersOnce()
    {
        var provider = new Providers.ProviderRegistryTests.CountingProvider();
        var engine = new WorkflowEngine(provider);
        engine.Execute(Workflow.Create("wf").AddLlmStep("a", "x").Build());

        engine.Dispose();
        engine.Dispose();

        Assert.Equal(1, provider.Cleanups);
    }
}
