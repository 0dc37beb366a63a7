using Microsoft.Extensions.AI;
using Workflows.Tests.Diagnostics;

namespace Workflows.Tests.Execution;

/// <summary>A step with tools runs the function-invocation loop inside the step, metered round by round.</summary>
public sealed class ToolCallTests
{
    private static MockChatClient WeatherModel() => new MockChatClient()
        .WithToolCall("weather", "get_weather", new Dictionary<string, object?> { ["city"] = "Oslo" })
        .WithFallback(static messages =>
        {
            var result = messages.SelectMany(static m => m.Contents).OfType<FunctionResultContent>().LastOrDefault();
            return result is null ? "no tool result" : $"It is {result.Result} in Oslo.";
        });

    private static LlmStep WeatherStep(AIFunction tool, int maxToolRounds = ModelRequest.DefaultMaxToolRounds) =>
        new("answer", "What is the weather in {city}?") { Tools = [tool], MaxToolRounds = maxToolRounds, Model = "gpt-4o-mini" };

    [Fact]
    public async Task ToolStep_ModelCallsTool_ResultFedBackAndEveryRoundMetered()
    {
        var mock = WeatherModel();
        var calls = new List<string>();
        var tool = AIFunctionFactory.Create((string city) => { calls.Add(city); return "rainy"; }, "get_weather");
        await using var engine = new WorkflowEngine(mock);

        var result = await engine.ExecuteAsync(new Workflow("w", [WeatherStep(tool)]), new Dictionary<string, object?> { ["city"] = "Oslo" });

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        Assert.Equal("It is rainy in Oslo.", result.Output);
        Assert.Equal(["Oslo"], calls);
        Assert.Equal(2, result.Steps[0].LlmCalls);
        Assert.Equal(2, mock.CallCount);
        var rounds = mock.Calls.Select(static c => TokenUsage.From(
            c.Messages.Sum(static m => MockChatClient.CountTokens(m.Text)), 0).InputTokens).ToList();
        Assert.Equal(rounds.Sum(), result.Steps[0].Usage.InputTokens);   // both rounds' input counted
        Assert.Equal(result.Metrics.TotalUsage, result.Steps[0].Usage);
        Assert.All(mock.Calls, static c => Assert.NotNull(c.Options?.Tools));
    }

    [Fact]
    public async Task ToolStep_EachToolCall_IsAnExecuteToolSpan()
    {
        var tool = AIFunctionFactory.Create((string city) => "sunny", "get_weather");
        await using var engine = new WorkflowEngine(WeatherModel());
        using var root = TestEngines.StartRootActivity();
        using var spans = new ActivityCollector(root.TraceId);

        await engine.ExecuteAsync(new Workflow(TestEngines.UniqueName("tool-span"), [WeatherStep(tool)]), new Dictionary<string, object?> { ["city"] = "Oslo" });

        var span = spans.Single("execute_tool get_weather");
        Assert.Equal("execute_tool", span.GetTagItem("gen_ai.operation.name"));
        Assert.Equal("get_weather", span.GetTagItem("gen_ai.tool.name"));
        Assert.Equal(2, spans.Stopped.Count(static a => a.DisplayName == "chat gpt-4o-mini"));
    }

    [Fact]
    public async Task ToolStep_ToolThrows_StepFailsNamingTheTool()
    {
        var tool = AIFunctionFactory.Create(string (string city) => throw new InvalidOperationException("weather service down"), "get_weather");
        await using var engine = new WorkflowEngine(WeatherModel());

        var result = await engine.ExecuteAsync(new Workflow("w", [WeatherStep(tool)]), new Dictionary<string, object?> { ["city"] = "Oslo" });

        Assert.Equal(WorkflowStatus.Failed, result.Status);
        Assert.Equal(ErrorKind.ToolFailed, result.Error!.Kind);
        Assert.Equal("answer", result.Error.StepName);
        Assert.Contains("Tool 'get_weather'", result.Error.Message, StringComparison.Ordinal);
        Assert.Contains("weather service down", result.Error.Message, StringComparison.Ordinal);
        Assert.Equal("get_weather", Assert.IsType<ToolException>(result.Error.Exception).ToolName);
        Assert.Equal(1, result.Steps[0].LlmCalls);
    }

    [Fact]
    public async Task ToolStep_ModelKeepsCallingTools_RoundsAreBoundedThenAnswerWithoutTools()
    {
        var client = new AlwaysCallsTool();
        var invocations = 0;
        var tool = AIFunctionFactory.Create(() => ++invocations, "tick");
        await using var engine = new WorkflowEngine(client);

        var result = await engine.ExecuteAsync(new Workflow("loop", [new LlmStep("spin", "go") { Tools = [tool], MaxToolRounds = 2 }]));

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        Assert.Equal(2, invocations);
        Assert.Equal(3, client.Calls);
        Assert.Equal(3, result.Steps[0].LlmCalls);
        Assert.Equal("final answer", result.Output);
    }

    [Fact]
    public async Task ToolStep_BudgetCheckedBeforeEveryRound_SecondRoundStoppedFirstKept()
    {
        var mock = WeatherModel();
        var tool = AIFunctionFactory.Create((string city) => new string('x', 400), "get_weather");
        await using var engine = new WorkflowEngine(mock);
        var step = new LlmStep("answer", "What is the weather in {city}?") { Tools = [tool], MaxTokens = 20 };
        var workflow = Workflow.Create("b").AddStep(step).WithBudget(new RunBudget { MaxTokens = 100 }).Build();

        var result = await engine.ExecuteAsync(workflow, new Dictionary<string, object?> { ["city"] = "Oslo" });

        Assert.Equal(ErrorKind.BudgetExceeded, result.Error!.Kind);
        Assert.Equal(1, mock.CallCount);
        Assert.Equal(1, result.Steps[0].LlmCalls);
        Assert.NotNull(result.Steps[0].Usage.TotalTokens);
    }

    [Fact]
    public async Task ToolStep_MiddlewareSeesEveryRound()
    {
        var counter = new CountingMiddleware();
        var tool = AIFunctionFactory.Create((string city) => "dry", "get_weather");
        await using var engine = new WorkflowEngine(WeatherModel()).Use(counter);

        await engine.ExecuteAsync(new Workflow("w", [WeatherStep(tool)]), new Dictionary<string, object?> { ["city"] = "Oslo" });

        Assert.Equal(2, counter.Before);
        Assert.Equal(2, counter.After);
    }

    [Fact]
    public async Task ToolStep_StreamedRun_DeltasOfFinalAnswerAndSameOutput()
    {
        var tool = AIFunctionFactory.Create((string city) => "foggy", "get_weather");
        await using var engine = new WorkflowEngine(WeatherModel());

        var events = await engine.StreamAsync(new Workflow("w", [WeatherStep(tool)]), new Dictionary<string, object?> { ["city"] = "Oslo" }).ToListAsync();

        Assert.Equal("It is foggy in Oslo.", string.Concat(events.OfType<TextDeltaEvent>().Select(static e => e.Text)));
        Assert.Equal("It is foggy in Oslo.", ((RunCompletedEvent)events[^1]).Result.Output);
    }

    private sealed class AlwaysCallsTool : TestChatClient
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        protected override Task<ChatResponse> RespondAsync(IReadOnlyList<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
        {
            var call = Interlocked.Increment(ref _calls);
            return Task.FromResult(options?.Tools is { Count: > 0 }
                ? new ChatResponse(new ChatMessage(ChatRole.Assistant, [new FunctionCallContent($"c{call}", "tick")]))
                : Reply("final answer"));
        }
    }

    private sealed class CountingMiddleware : WorkflowMiddleware
    {
        private int _before;
        private int _after;

        public int Before => Volatile.Read(ref _before);

        public int After => Volatile.Read(ref _after);

        public override ValueTask<ModelRequest> BeforeLlmCallAsync(MiddlewareContext context, ModelRequest request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _before);
            return ValueTask.FromResult(request);
        }

        public override ValueTask<ChatResponse> AfterLlmCallAsync(MiddlewareContext context, ModelRequest request, ChatResponse response, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _after);
            return ValueTask.FromResult(response);
        }
    }
}
