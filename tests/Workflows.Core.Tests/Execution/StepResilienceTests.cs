using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Polly;
using Polly.Retry;

namespace Workflows.Tests.Execution;

public sealed class StepResilienceTests
{
    private static ResiliencePipeline Retry(int maxRetries) => new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions { MaxRetryAttempts = maxRetries, Delay = TimeSpan.Zero })
        .Build();

    [Fact]
    public async Task ResiliencePipeline_TransientStepFailure_RetriesAndCountsAttempts()
    {
        var calls = 0;
        var step = new TransformStep("flaky", _ => ++calls < 3 ? throw new InvalidOperationException($"try {calls}") : "ok")
        {
            ResiliencePipeline = Retry(3),
        };
        await using var engine = new WorkflowEngine();

        var result = await engine.ExecuteAsync(new Workflow("retry", [step]));

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        Assert.Equal(3, result.Steps[0].Attempts);
        Assert.Equal("ok", result.Output);
    }

    [Fact]
    public async Task ResiliencePipeline_Retries_LogsEachAttemptAfterTheFirst()
    {
        var collector = new FakeLogCollector();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(new FakeLoggerProvider(collector)));
        var calls = 0;
        var step = new TransformStep("flaky", _ => ++calls < 3 ? throw new InvalidOperationException($"try {calls}") : "ok")
        {
            ResiliencePipeline = Retry(3),
        };
        await using var engine = new WorkflowEngine(new ProviderRegistry(), loggerFactory: loggerFactory);

        await engine.ExecuteAsync(new Workflow("retry-log", [step]));

        Assert.Equal(
            ["Step flaky attempt 2 starting.", "Step flaky attempt 3 starting."],
            collector.GetSnapshot().Where(r => r.Id.Name == "StepRetrying").Select(r => r.Message));
    }

    [Fact]
    public async Task ResiliencePipeline_ExhaustsRetries_StepFailsWithAttemptsRecorded()
    {
        var step = new TransformStep("broken", _ => throw new InvalidOperationException("always"))
        {
            ResiliencePipeline = Retry(2),
        };
        await using var engine = new WorkflowEngine();

        var result = await engine.ExecuteAsync(new Workflow("retry", [step]));

        Assert.Equal(WorkflowStatus.Failed, result.Status);
        Assert.Equal(3, result.Steps[0].Attempts);
        Assert.Equal(typeof(InvalidOperationException).FullName, result.Error?.ExceptionType);
    }

    [Fact]
    public async Task ResiliencePipeline_ProviderError_NotRetriedUnlessStepAsks()
    {
        var mock = new MockChatClient().FailOnCall(1);
        await using var engine = new WorkflowEngine(mock);
        var plain = new LlmStep("call", "hello") { ResiliencePipeline = Retry(3) };

        var result = await engine.ExecuteAsync(new Workflow("no-double-retry", [plain]));

        Assert.Equal(WorkflowStatus.Failed, result.Status);
        Assert.Equal(1, result.Steps[0].Attempts);
        Assert.Equal(1, mock.CallCount);
        Assert.Equal(typeof(ProviderException).FullName, result.Error?.ExceptionType);
    }

    [Fact]
    public async Task ResiliencePipeline_ProviderErrorWithRetryProviderErrors_IsRetried()
    {
        var mock = new MockChatClient().FailOnCall(1);
        await using var engine = new WorkflowEngine(mock);
        var optedIn = new LlmStep("call", "hello") { ResiliencePipeline = Retry(3), RetryProviderErrors = true };

        var result = await engine.ExecuteAsync(new Workflow("opted-in", [optedIn]));

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        Assert.Equal(2, result.Steps[0].Attempts);
        Assert.Equal(2, mock.CallCount);
        Assert.Equal(1, result.Steps[0].LlmCalls);
    }

    [Fact]
    public async Task Timeout_StepTooSlow_StepFailsAndNonCriticalRunGoesOn()
    {
        var slow = new TransformStep("slow", async (_, token) =>
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, token);
            return "never";
        })
        { StepTimeout = TimeSpan.FromMilliseconds(50), IsCritical = false };
        var after = new TransformStep("after", _ => "ran");
        await using var engine = new WorkflowEngine();

        var result = await engine.ExecuteAsync(new Workflow("timeouts", [slow, after])).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        Assert.Equal(StepStatus.Failed, result.Steps[0].Status);
        Assert.Equal(typeof(TimeoutException).FullName, result.Steps[0].Error?.ExceptionType);
        Assert.Contains("exceeded its timeout of 0.05 s", result.Steps[0].Error?.Message, StringComparison.Ordinal);
        Assert.Equal("ran", result.Output);
    }

    [Fact]
    public async Task ResiliencePipelineName_WithoutContainer_FailsWithRegistrationHint()
    {
        var step = new TransformStep("named", _ => "x") { ResiliencePipelineName = "llm-retry" };
        await using var engine = new WorkflowEngine();

        var result = await engine.ExecuteAsync(new Workflow("named", [step]));

        Assert.Equal(WorkflowStatus.Failed, result.Status);
        Assert.Equal(
            "Step 'named' uses the resilience pipeline 'llm-retry', but the engine's container has no resilience pipelines. " +
            "Register it with services.AddResiliencePipeline(\"llm-retry\", pipeline => ...) and run the engine from AddGenAiWorkflows.",
            result.Error?.Message);
    }
}
