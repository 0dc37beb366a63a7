namespace Workflows.Tests.Budgets;

public sealed class RunBudgetTests
{
    // Each prompt and answer is 40 characters = 10 simulated tokens; MaxTokens 10 -> each call is estimated at 20 tokens.
    private static readonly string Forty = new('x', 40);

    private static MockChatClient Mock() => new MockChatClient().WithFallback(Forty);

    private static Workflow ThreeCalls(RunBudget? budget = null)
    {
        var builder = Workflow.Create("budgeted");
        foreach (var name in new[] { "a", "b", "c" })
        {
            builder.AddStep(new LlmStep(name, Forty) { MaxTokens = 10, Model = "gpt-4o-mini" });
        }

        return budget is null ? builder.Build() : builder.WithBudget(budget).Build();
    }

    [Fact]
    public async Task TokenBudget_NextCallWouldExceed_StopsWithBudgetOutcomeAndKeepsCompletedSteps()
    {
        var mock = Mock();
        await using var engine = new WorkflowEngine(mock);

        var result = await engine.ExecuteAsync(ThreeCalls(), options: new WorkflowRunOptions { Budget = new RunBudget { MaxTokens = 50 } });

        // a: 20 spent. b: 20 + 20 = 40 <= 50, runs. c: 40 + 20 > 50, refused before calling.
        Assert.Equal(WorkflowStatus.Failed, result.Status);
        Assert.Equal(ErrorKind.BudgetExceeded, result.Error?.Kind);
        Assert.Equal("c", result.Error?.StepName);
        Assert.Contains("run token budget of 50 tokens", result.Error?.Message, StringComparison.Ordinal);
        Assert.Equal([StepStatus.Completed, StepStatus.Completed, StepStatus.Failed], result.Steps.Select(s => s.Status));
        Assert.Equal(2, mock.CallCount);
        Assert.Equal(40, result.Metrics.TotalUsage.TotalTokens);
        var exception = Assert.IsType<BudgetExceededException>(result.Error?.Exception);
        Assert.Equal("tokens", exception.BudgetName);
        Assert.Equal("run", exception.BudgetSource);
        Assert.Equal(40m, exception.Spent);
        Assert.Equal(20m, exception.EstimatedCall);
    }

    [Fact]
    public async Task TokenBudget_NonCriticalStep_StillStopsTheRun()
    {
        var workflow = Workflow.Create("soft")
            .AddStep(new LlmStep("a", Forty) { MaxTokens = 10 })
            .AddStep(new LlmStep("b", Forty) { MaxTokens = 10, IsCritical = false })
            .AddTransformStep("c", _ => "never")
            .Build();
        await using var engine = new WorkflowEngine(Mock());

        var result = await engine.ExecuteAsync(workflow, options: new WorkflowRunOptions { Budget = new RunBudget { MaxTokens = 25 } });

        Assert.Equal(WorkflowStatus.Failed, result.Status);
        Assert.Equal(ErrorKind.BudgetExceeded, result.Error?.Kind);
        Assert.Equal(2, result.Steps.Count);
    }

    [Fact]
    public async Task CostBudget_FromConfiguration_StopsWhenSpendWouldPassIt()
    {
        // gpt-4o-mini: $0.15 in, $0.60 out per million. Estimate per call: 10 * 0.15e-6 + 10 * 0.60e-6 = $0.0000075.
        // Actual per call: 10 in + 10 out = $0.0000075. Budget $0.00002 allows two calls ($0.000015), not a third.
        var options = new GenAiWorkflowOptions();
        options.Budget.MaxCostUsd = 0.00002m;
        await using var engine = new WorkflowEngine(Mock(), options);

        var result = await engine.ExecuteAsync(ThreeCalls());

        Assert.Equal(ErrorKind.BudgetExceeded, result.Error?.Kind);
        Assert.Contains("configuration cost budget", result.Error?.Message, StringComparison.Ordinal);
        Assert.Equal(0.000015m, result.Metrics.TotalCost.AmountUsd);
        Assert.Equal(3, result.Steps.Count);
    }

    [Fact]
    public async Task Budgets_RunOverWorkflowOverConfiguration_MostSpecificApplies()
    {
        var options = new GenAiWorkflowOptions();
        options.Budget.MaxTokens = 10;
        await using var engine = new WorkflowEngine(Mock(), options);

        var configured = await engine.ExecuteAsync(ThreeCalls());
        var perWorkflow = await engine.ExecuteAsync(ThreeCalls(new RunBudget { MaxTokens = 45 }));
        var perRun = await engine.ExecuteAsync(ThreeCalls(new RunBudget { MaxTokens = 45 }), options: new WorkflowRunOptions { Budget = new RunBudget { MaxTokens = 1000 } });

        Assert.DoesNotContain(configured.Steps, s => s.Status == StepStatus.Completed);
        Assert.Contains("configuration token budget", configured.Error?.Message, StringComparison.Ordinal);
        Assert.Equal(2, perWorkflow.Steps.Count(s => s.Status == StepStatus.Completed));
        Assert.Contains("workflow token budget", perWorkflow.Error?.Message, StringComparison.Ordinal);
        Assert.Equal(WorkflowStatus.Completed, perRun.Status);
    }

    [Fact]
    public async Task CostBudget_UnpricedModel_IsRefusedWithModelNamed()
    {
        var workflow = Workflow.Create("unpriced").AddStep(new LlmStep("a", "hi") { Model = "my-local-llama" }).Build();
        await using var engine = new WorkflowEngine(Mock());

        var result = await engine.ExecuteAsync(workflow, options: new WorkflowRunOptions { Budget = new RunBudget { MaxCostUsd = 1m } });

        Assert.Equal(ErrorKind.BudgetExceeded, result.Error?.Kind);
        Assert.Contains("my-local-llama has no price", result.Error?.Message, StringComparison.Ordinal);
    }
}
