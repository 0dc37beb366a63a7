using Workflows.Tests.TestSupport;
using static Workflows.Tests.Composition.Runs;

namespace Workflows.Tests.Composition;

public sealed class SharedBudgetTests
{
    [Fact]
    public async Task Budget_SharedByConcurrentBranches_NeverExceededOverRandomizedRuns()
    {
        var random = new Random(20261201);
        var stopped = 0;
        var completed = 0;
        for (var run = 0; run < 40; run++)
        {
            var branches = random.Next(2, 13);
            var maxTokens = random.Next(15, 220);
            var critical = random.Next(2) == 0;
            var mock = new MockChatClient().WithLatency(TimeSpan.FromMilliseconds(random.Next(1, 20))).WithFallback("short reply"); // 3 tokens <= MaxTokens
            await using var engine = new WorkflowEngine(mock);
            var workflow = Workflow.Create($"budget-{run}")
                .AddParallel("fan", p =>
                {
                    for (var i = 0; i < branches; i++)
                    {
                        p.AddStep(new LlmStep($"b{i}", $"Branch {i} says hello") { MaxTokens = 8, IsCritical = critical });
                    }
                })
                .AddMap("summaries", "items", static m => m.AddStep(new LlmStep("summary", "Item {item}") { MaxTokens = 8 }), maxConcurrency: 3)
                .Build();

            var result = await engine.ExecuteAsync(
                workflow,
                Inputs(("items", new[] { "a", "b", "c", "d", "e" })),
                new WorkflowRunOptions { Budget = new RunBudget { MaxTokens = maxTokens } }).Within();

            var spent = result.Metrics.TotalUsage.TotalTokens ?? 0;
            Assert.True(spent <= maxTokens, $"Run {run}: {branches} branches spent {spent} tokens of a budget of {maxTokens}.");
            Assert.Equal(spent, result.Steps.Sum(static s => s.Usage.TotalTokens ?? 0));
            if (result.Status == WorkflowStatus.Completed)
            {
                completed++;
            }
            else
            {
                Assert.Equal(WorkflowStatus.Failed, result.Status);
                Assert.Equal(ErrorKind.BudgetExceeded, result.Error!.Kind);
                stopped++;
            }
        }

        Assert.True(stopped > 0, "No run hit its budget: the test proves nothing.");
        Assert.True(completed > 0, "No run completed: the budgets are all too small.");
    }

    [Fact]
    public async Task Budget_CallsInFlightReserveTheirMaximum_ThirdConcurrentCallRefusedBeforeAnySpend()
    {
        // Each call may use 5 input tokens ("Branch N says hello") + 8 output = 13; 30 tokens pay for two calls in flight, not three.
        var mock = new MockChatClient().WithLatency(TimeSpan.FromMilliseconds(500)).WithFallback("ok");
        await using var engine = new WorkflowEngine(mock);
        var workflow = Workflow.Create("reserve")
            .AddParallel("fan", static p => p
                .AddStep(new LlmStep("b0", "Branch 0 says hello") { MaxTokens = 8 })
                .AddStep(new LlmStep("b1", "Branch 1 says hello") { MaxTokens = 8 })
                .AddStep(new LlmStep("b2", "Branch 2 says hello") { MaxTokens = 8, IsCritical = false }))
            .Build();

        var result = await engine.ExecuteAsync(workflow, options: new WorkflowRunOptions { Budget = new RunBudget { MaxTokens = 30 } }).Within();

        Assert.Equal(WorkflowStatus.Failed, result.Status);
        Assert.Equal(ErrorKind.BudgetExceeded, result.Error!.Kind);
        Assert.Contains("reserved by calls in flight", result.Error.Message, StringComparison.Ordinal);
        Assert.StartsWith("fan/b", result.Error.StepPath, StringComparison.Ordinal);
        Assert.Equal(2, mock.CallCount);
        Assert.Equal(2, result.Steps.Count(static s => s.Status == StepStatus.Cancelled));
        Assert.True((result.Metrics.TotalUsage.TotalTokens ?? 0) <= 30);
    }

    [Fact]
    public async Task CostBudget_CallsInFlightReserveTheirMaximumCost_ThirdConcurrentCallRefused()
    {
        // gpt-4o-mini: 5 input tokens x $0.15/M + 8 output x $0.60/M = $0.00000555 per call at most; $0.000012 pays for two in flight.
        var mock = new MockChatClient().WithLatency(TimeSpan.FromMilliseconds(500)).WithFallback("ok");
        await using var engine = new WorkflowEngine(mock);
        var workflow = Workflow.Create("reserve-cost")
            .AddParallel("fan", static p => p
                .AddStep(new LlmStep("b0", "Branch 0 says hello") { MaxTokens = 8, Model = "gpt-4o-mini" })
                .AddStep(new LlmStep("b1", "Branch 1 says hello") { MaxTokens = 8, Model = "gpt-4o-mini" })
                .AddStep(new LlmStep("b2", "Branch 2 says hello") { MaxTokens = 8, Model = "gpt-4o-mini" }))
            .Build();

        var result = await engine.ExecuteAsync(workflow, options: new WorkflowRunOptions { Budget = new RunBudget { MaxCostUsd = 0.000012m } }).Within();

        Assert.Equal(WorkflowStatus.Failed, result.Status);
        Assert.Equal(ErrorKind.BudgetExceeded, result.Error!.Kind);
        Assert.Contains("reserved by calls in flight", result.Error.Message, StringComparison.Ordinal);
        Assert.Equal(2, mock.CallCount);
        Assert.True(result.Metrics.TotalCost.AmountUsd <= 0.000012m);
    }

    [Fact]
    public async Task Budget_NonCriticalBranchOverBudget_StopsTheRunAnyway()
    {
        var mock = new MockChatClient();
        await using var engine = new WorkflowEngine(mock);
        var waiting = new WaitForCancellationStep("waits");
        var workflow = new Workflow("soft-budget",
        [
            new ParallelStep("fan", [waiting, new LlmStep("ask", "A prompt far longer than the budget allows") { MaxTokens = 50, IsCritical = false }]),
            new TransformStep("after", static _ => "never"),
        ]);

        var result = await engine.ExecuteAsync(workflow, options: new WorkflowRunOptions { Budget = new RunBudget { MaxTokens = 20 } }).Within();

        Assert.Equal(WorkflowStatus.Failed, result.Status);
        Assert.Equal(ErrorKind.BudgetExceeded, result.Error!.Kind);
        Assert.Equal("fan/ask", result.Error.StepPath);
        Assert.Equal(StepStatus.Cancelled, At(result, "fan/waits").Status);
        Assert.Equal(0, mock.CallCount);
        Assert.DoesNotContain(result.Steps, static s => s.StepName == "after");
    }

    [Fact]
    public async Task Totals_EqualSumOverStepsAcrossEveryConstruct()
    {
        var mock = new MockChatClient()
            .WithResponse("Classify: fish", "question")
            .WithFallback(static messages => $"reply {messages.Count}");
        await using var engine = new WorkflowEngine(mock);
        var sub = Workflow.Create("sub").AddLlmStep("subAsk", "Sub {topic}", model: "gpt-4o-mini").Build();
        var workflow = Workflow.Create("totals")
            .AddParallel("review", p => p
                .AddLlmStep("pros", "Pros of {topic}", model: "gpt-4o-mini")
                .AddLlmStep("cons", "Cons of {topic}", model: "gpt-4o-mini")
                .AddWorkflow(sub))
            .AddMap("summaries", "chunks", static m => m.AddLlmStep("summary", "Summarize {item}", model: "gpt-4o-mini"))
            .AddRoute("triage", "Classify: {topic}", static r => r
                .When("question", static b => b.AddLlmStep("answer", "Answer about {topic}", model: "gpt-4o-mini"))
                .Otherwise(static b => b.AddLlmStep("other", "Other", model: "gpt-4o-mini")), model: "gpt-4o-mini")
            .AddLoop("refine", static b => b.AddLlmStep("draft", "Draft {iteration} of {topic}", model: "gpt-4o-mini"), static _ => false, maxIterations: 2)
            .Build();

        var result = await engine.ExecuteAsync(workflow, Inputs(("topic", "fish"), ("chunks", new[] { "c1", "c2", "c3" }))).Within();

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        // pros, cons, subAsk, 3 summaries, classification, answer, 2 drafts.
        Assert.Equal(10, mock.CallCount);
        Assert.Equal(10, result.Metrics.LlmCalls);
        Assert.Equal(result.Metrics.LlmCalls, result.Steps.Sum(static s => s.LlmCalls));
        var total = result.Steps.Aggregate(TokenUsage.Empty, static (sum, s) => sum + s.Usage);
        Assert.Equal(result.Metrics.TotalUsage, total);
        Assert.True(result.Metrics.TotalUsage.TotalTokens > 0);
        Assert.True(result.Metrics.TotalCost.AmountUsd > 0);
        Assert.True(result.Metrics.TotalCost.IsComplete);
        Assert.Equal(result.Metrics.TotalCost.AmountUsd, result.Steps.Sum(static s => s.Cost.AmountUsd));
        Assert.Equal(result.Metrics.TotalCost.AmountUsd, result.Metrics.Steps.Sum(static s => s.Cost.AmountUsd));
        Assert.Equal(result.Steps.Select(static s => s.Path), result.Metrics.Steps.Select(static s => s.Path));
        Assert.Equal(result.Steps.Count(static s => s.Status == StepStatus.Completed), result.Metrics.StepsCompleted);
        Assert.Equal(1, At(result, "triage").LlmCalls);
        Assert.Equal(0, At(result, "review").LlmCalls);
        Assert.Equal(TokenUsage.Empty, At(result, "review").Usage);
    }
}
