using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Workflows.Tests.TestSupport;
using static Workflows.Tests.Composition.Runs;

namespace Workflows.Tests.Composition;

public sealed class CompositionStreamingTests
{
    [Fact]
    public async Task Stream_ConcurrentBranches_DeltasInterleaveEachLabelledWithItsBranchPath()
    {
        const int Chunks = 4;
        await using var engine = new WorkflowEngine(new TurnTakingClient(Chunks));
        var workflow = Workflow.Create("interleave")
            .AddParallel("review", static p => p.AddLlmStep("pros", "A").AddLlmStep("cons", "B"))
            .Build();

        var events = await engine.StreamAsync(workflow).ToListAsync().AsTask().Within();

        var deltas = events.OfType<TextDeltaEvent>().ToList();
        Assert.Equal(Enumerable.Range(0, Chunks).SelectMany(static _ => new[] { "review/pros", "review/cons" }), deltas.Select(static d => d.StepPath));
        Assert.All(deltas, static d => Assert.Equal(d.StepPath == "review/pros" ? "pros" : "cons", d.StepName));
        Assert.Equal("A0 A1 A2 A3 ", string.Concat(deltas.Where(static d => d.StepName == "pros").Select(static d => d.Text)));
        var result = Assert.IsType<RunCompletedEvent>(events[^1]).Result;
        Assert.Equal(WorkflowStatus.Completed, result.Status);
        Assert.Equal("A0 A1 A2 A3 ", At(result, "review/pros").Output);
        Assert.Equal("B0 B1 B2 B3 ", At(result, "review/cons").Output);
    }

    [Fact]
    public async Task Stream_ParallelGroup_BothBranchesStartBeforeEitherCompletes()
    {
        await using var engine = new WorkflowEngine(new MockChatClient().WithLatency(TimeSpan.FromMilliseconds(100)));
        var workflow = Workflow.Create("starts")
            .AddParallel("review", static p => p.AddLlmStep("pros", "Pros").AddLlmStep("cons", "Cons"))
            .AddLlmStep("verdict", "Weigh {pros} and {cons}")
            .Build();

        var events = await engine.StreamAsync(workflow).ToListAsync().AsTask().Within();

        var labels = events.Select(Describe).ToList();
        Assert.Equal("RunStarted", labels[0]);
        Assert.Equal("StepStarted:review", labels[1]);
        Assert.Equal(["StepStarted:review/pros", "StepStarted:review/cons"], labels.Skip(2).Take(2).Order(StringComparer.Ordinal).Reverse());
        var firstBranchEnd = labels.FindIndex(static l => l is "StepCompleted:review/pros" or "StepCompleted:review/cons");
        Assert.True(firstBranchEnd > 3);
        Assert.True(labels.IndexOf("StepCompleted:review") > labels.LastIndexOf("StepCompleted:review/pros"));
        Assert.True(labels.IndexOf("StepCompleted:review") > labels.LastIndexOf("StepCompleted:review/cons"));
        Assert.True(labels.IndexOf("StepStarted:verdict") > labels.IndexOf("StepCompleted:review"));
        Assert.Equal("RunCompleted", labels[^1]);
    }

    [Fact]
    public async Task Stream_MapItems_EventsLabelledWithItemPath()
    {
        var mock = new MockChatClient().WithPatternResponse("^Summarize (.*)$", "summary of $1");
        await using var engine = new WorkflowEngine(mock);
        var workflow = Workflow.Create("stream-map")
            .AddMap("summaries", "chunks", static m => m.AddLlmStep("summary", "Summarize {item}"))
            .Build();

        var events = await engine.StreamAsync(workflow, Inputs(("chunks", new[] { "a", "b", "c" }))).ToListAsync().AsTask().Within();

        Assert.Equal(
            ["summaries", "summaries[0]", "summaries[1]", "summaries[2]"],
            events.OfType<StepStartedEvent>().Select(static e => e.StepPath).Order(StringComparer.Ordinal));
        foreach (var index in new[] { 0, 1, 2 })
        {
            var text = string.Concat(events.OfType<TextDeltaEvent>().Where(e => e.StepPath == $"summaries[{index}]").Select(static e => e.Text));
            Assert.Equal($"summary of {"abc"[index]}", text);
        }

        Assert.All(events.OfType<TextDeltaEvent>(), static e => Assert.Equal("summary", e.StepName));
        var completedPaths = events.OfType<StepCompletedEvent>().Select(static e => e.Result.Path).ToList();
        Assert.Equal("summaries", completedPaths[^1]);
        Assert.True(mock.Calls.All(static c => c.Streamed));
    }

    [Fact]
    public async Task Stream_SameCompositeRun_ResultMatchesExecuteAsync()
    {
        var mock = new MockChatClient().WithPatternResponse("^(.*)$", "echo $1");
        await using var engine = new WorkflowEngine(mock);
        var workflow = Workflow.Create("same")
            .AddParallel("review", static p => p.AddLlmStep("pros", "Pros {topic}").AddLlmStep("cons", "Cons {topic}"))
            .AddMap("summaries", "chunks", static m => m.AddLlmStep("summary", "Sum {item}"))
            .AddLoop("refine", static b => b.AddLlmStep("draft", "Draft {iteration}"), static _ => false, 2)
            .Build();
        var inputs = Inputs(("topic", "tea"), ("chunks", new[] { "x", "y" }));

        var executed = await engine.ExecuteAsync(workflow, inputs).Within();
        var streamed = Assert.IsType<RunCompletedEvent>((await engine.StreamAsync(workflow, inputs).ToListAsync().AsTask().Within())[^1]).Result;

        Assert.Equal(WorkflowStatus.Completed, streamed.Status);
        Assert.Equal(Paths(executed), Paths(streamed));
        Assert.Equal(executed.Metrics.TotalUsage, streamed.Metrics.TotalUsage);
        Assert.Equal(executed.Metrics.LlmCalls, streamed.Metrics.LlmCalls);
        Assert.Equal(executed.Steps.Where(static s => s.StepType == "llm").Select(static s => s.Output), streamed.Steps.Where(static s => s.StepType == "llm").Select(static s => s.Output));
    }

    private static string Describe(WorkflowEvent e) => e switch
    {
        RunStartedEvent => "RunStarted",
        StepStartedEvent s => $"StepStarted:{s.StepPath}",
        TextDeltaEvent d => $"TextDelta:{d.StepPath}",
        StepCompletedEvent c => $"StepCompleted:{c.Result.Path}",
        RunCompletedEvent => "RunCompleted",
        _ => e.GetType().Name,
    };

    /// <summary>
    /// Streams the answers to the prompts "A" and "B" in strict turns (A0, B0, A1, B1, ...): each chunk waits until the other
    /// call's previous chunk was handed to the engine, so only concurrent branches can finish and the order is deterministic.
    /// </summary>
    private sealed class TurnTakingClient : IChatClient
    {
        private readonly int _chunks;
        private readonly TaskCompletionSource[] _turns;

        public TurnTakingClient(int chunks)
        {
            _chunks = chunks;
            _turns = [.. Enumerable.Range(0, (2 * chunks) + 1).Select(static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously))];
            _turns[0].SetResult();
        }

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException("Only streamed runs use this client.");

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
            IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            var prompt = messages.Last(static m => m.Role == ChatRole.User).Text;
            var side = prompt == "A" ? 0 : 1;
            for (var i = 0; i < _chunks; i++)
            {
                var turn = (2 * i) + side;
                await _turns[turn].Task.WaitAsync(cancellationToken);
                yield return new ChatResponseUpdate(ChatRole.Assistant, $"{prompt}{i} ");
                _turns[turn + 1].TrySetResult();
            }

            yield return new ChatResponseUpdate
            {
                Role = ChatRole.Assistant,
                FinishReason = ChatFinishReason.Stop,
                Contents = [new UsageContent(new UsageDetails { InputTokenCount = 1, OutputTokenCount = _chunks, TotalTokenCount = 1 + _chunks })],
            };
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

        public void Dispose()
        {
        }
    }
}
