using Microsoft.Extensions.AI;

namespace Workflows.Tests.Edges;

/// <summary>Budgets at their edges: a call that uses exactly what is left, and a cost budget after an unpriced answer.</summary>
public sealed class BudgetEdgeTests
{
    // Each prompt and answer is 40 characters = 10 simulated tokens; MaxTokens 10 -> each call is estimated at 20 tokens
    // (10 input + 10 max output) and really uses 20.
    private static readonly string Forty = new('x', 40);

    private static Workflow ThreeCalls() => Workflow.Create("edge")
        .AddStep(new LlmStep("a", Forty) { MaxTokens = 10, Model = "gpt-4o-mini" })
        .AddStep(new LlmStep("b", Forty) { MaxTokens = 10, Model = "gpt-4o-mini" })
        .AddStep(new LlmStep("c", Forty) { MaxTokens = 10, Model = "gpt-4o-mini" })
        .Build();

    [Fact]
    public async Task TokenBudget_CallUsesExactlyTheRemainder_RunsAndTheNextIsRefused()
    {
        var mock = new MockChatClient().WithFallback(Forty);
        await using var engine = new WorkflowEngine(mock);

        // a: 0 + 20 <= 40. b: 20 + 20 = 40, exactly the budget: allowed. c: 40 already spent: refused.
        var result = await engine.ExecuteAsync(ThreeCalls(), options: new WorkflowRunOptions { Budget = new RunBudget { MaxTokens = 40 } });

        Assert.Equal([StepStatus.Completed, StepStatus.Completed, StepStatus.Failed], result.Steps.Select(s => s.Status));
        Assert.Equal(2, mock.CallCount);
        Assert.Equal(ErrorKind.BudgetExceeded, result.Error?.Kind);
        Assert.Equal("c", result.Error?.StepName);
        Assert.Equal(
            "The run token budget of 40 tokens would be exceeded: 40 spent so far, and the next call to gpt-4o-mini may use up to 20 " +
            "(10 input estimated + 10 max output). Raise the budget, lower MaxTokens, or shorten the prompts.",
            result.Error?.Message);
        var exception = Assert.IsType<BudgetExceededException>(result.Error?.Exception);
        Assert.Equal(40m, exception.Limit);
        Assert.Equal(40m, exception.Spent);
    }

    [Fact]
    public async Task TokenBudget_OneTokenShortOfTheCall_IsRefusedBeforeCalling()
    {
        var mock = new MockChatClient().WithFallback(Forty);
        await using var engine = new WorkflowEngine(mock);

        var result = await engine.ExecuteAsync(ThreeCalls(), options: new WorkflowRunOptions { Budget = new RunBudget { MaxTokens = 39 } });

        // b: 20 + 20 = 40 > 39.
        Assert.Equal([StepStatus.Completed, StepStatus.Failed], result.Steps.Select(s => s.Status));
        Assert.Equal(1, mock.CallCount);
        Assert.Equal("b", result.Error?.StepName);
    }

    [Fact]
    public async Task CostBudget_CallCostsExactlyTheRemainder_RunsAndTheNextIsRefused()
    {
        // gpt-4o-mini: $0.15 in, $0.60 out per million; each call is estimated and billed at 10 x 0.15e-6 + 10 x 0.60e-6 =
        // $0.0000075. A budget of two calls exactly: b costs exactly what is left, c finds the budget spent.
        var mock = new MockChatClient().WithFallback(Forty);
        await using var engine = new WorkflowEngine(mock);

        var result = await engine.ExecuteAsync(ThreeCalls(), options: new WorkflowRunOptions { Budget = new RunBudget { MaxCostUsd = 0.000015m } });

        Assert.Equal([StepStatus.Completed, StepStatus.Completed, StepStatus.Failed], result.Steps.Select(s => s.Status));
        Assert.Equal(2, mock.CallCount);
        Assert.Equal(0.000015m, result.Metrics.TotalCost.AmountUsd);
        Assert.StartsWith(
            "The run cost budget of $0.000015 would be exceeded: $0.000015 spent so far, and the next call to gpt-4o-mini may cost up to $",
            result.Error?.Message, StringComparison.Ordinal);
        var exception = Assert.IsType<BudgetExceededException>(result.Error?.Exception);
        Assert.Equal("cost", exception.BudgetName);
        Assert.Equal(0.000015m, exception.Spent);
        Assert.Equal(0.0000075m, exception.EstimatedCall);
    }

    [Fact]
    public async Task CostBudget_CallCostsJustOverTheRemainder_IsRefused()
    {
        var mock = new MockChatClient().WithFallback(Forty);
        await using var engine = new WorkflowEngine(mock);

        var result = await engine.ExecuteAsync(ThreeCalls(), options: new WorkflowRunOptions { Budget = new RunBudget { MaxCostUsd = 0.0000149m } });

        Assert.Equal([StepStatus.Completed, StepStatus.Failed], result.Steps.Select(s => s.Status));
        Assert.Equal(1, mock.CallCount);
    }

    [Fact]
    public async Task CostBudget_EarlierCallAnsweredByAnUnpricedModel_NextCallIsRefusedNamingThatModel()
    {
        // The step asks for a priced model, but the provider reports that an unpriced one answered: the spend is no
        // longer known, so the next call is refused and the message names the model that made it unknown.
        var provider = new AnsweredByClient("house-finetune-7");
        await using var engine = new WorkflowEngine(provider);

        var result = await engine.ExecuteAsync(ThreeCalls(), options: new WorkflowRunOptions { Budget = new RunBudget { MaxCostUsd = 1m } });

        Assert.Equal([StepStatus.Completed, StepStatus.Failed], result.Steps.Select(s => s.Status));
        Assert.Equal(1, provider.Calls);
        Assert.Equal(ErrorKind.BudgetExceeded, result.Error?.Kind);
        Assert.Equal("b", result.Error?.StepName);
        Assert.Equal(
            "The run cost budget of $1 cannot be enforced: model house-finetune-7 has no price. " +
            "Add it under GenAiWorkflows:Pricing or use a token budget.",
            result.Error?.Message);
        var exception = Assert.IsType<BudgetExceededException>(result.Error?.Exception);
        Assert.Equal("cost", exception.BudgetName);
        Assert.Equal(0m, exception.EstimatedCall);
    }

    [Fact]
    public async Task CostBudget_TwoParallelCallsAnsweredByUnpricedModels_NextCallIsRefusedNamingBoth()
    {
        // Both branches pass the budget check before either answers (the provider holds each call until both have
        // arrived); each is then answered by a different unpriced model, and the step after the group names both.
        var provider = new AnsweredPerPromptClient(arrivals: 2);
        await using var engine = new WorkflowEngine(provider);
        var workflow = Workflow.Create("two-unpriced")
            .AddParallel("fan", p => p
                .AddStep(new LlmStep("a", "house-a") { MaxTokens = 10, Model = "gpt-4o-mini" })
                .AddStep(new LlmStep("b", "house-b") { MaxTokens = 10, Model = "gpt-4o-mini" }))
            .AddStep(new LlmStep("c", Forty) { MaxTokens = 10, Model = "gpt-4o-mini" })
            .Build();

        var result = await engine.ExecuteAsync(workflow, options: new WorkflowRunOptions { Budget = new RunBudget { MaxCostUsd = 1m } })
            .WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(2, provider.Calls);
        Assert.Equal(ErrorKind.BudgetExceeded, result.Error?.Kind);
        Assert.Equal("c", result.Error?.StepName);
        // The order is the order in which the two answers were recorded.
        Assert.Contains(
            result.Error?.Message,
            new[] { "house-a, house-b", "house-b, house-a" }.Select(static models =>
                $"The run cost budget of $1 cannot be enforced: model {models} has no price. Add it under GenAiWorkflows:Pricing or use a token budget."));
    }

    private sealed class AnsweredPerPromptClient(int arrivals) : TestChatClient
    {
        private readonly TaskCompletionSource _allArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        protected override async Task<ChatResponse> RespondAsync(IReadOnlyList<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _calls) == arrivals)
            {
                _allArrived.SetResult();
            }

            await _allArrived.Task.WaitAsync(cancellationToken);
            // The prompt names the model that answers.
            return Reply(Forty, messages[^1].Text, new UsageDetails { InputTokenCount = 10, OutputTokenCount = 10, TotalTokenCount = 20 });
        }
    }

    private sealed class AnsweredByClient(string model) : TestChatClient
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        protected override Task<ChatResponse> RespondAsync(IReadOnlyList<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            return Task.FromResult(Reply(Forty, model, new UsageDetails { InputTokenCount = 10, OutputTokenCount = 10, TotalTokenCount = 20 }));
        }
    }
}
