using System.Text.Json;
using Workflows.Tests.TestSupport;
using static Workflows.Tests.Composition.Runs;

namespace Workflows.Tests.Composition;

public sealed class MapStepTests
{
    [Fact]
    public async Task Map_SingleStep_OutputsInItemOrderWithItemPaths()
    {
        await using var engine = new WorkflowEngine();
        var workflow = Workflow.Create("map")
            .AddMap("summaries", "chunks", m => m.AddTransformStep("summary", async (ctx, ct) =>
            {
                var index = ctx.Get<int>("index");
                // Later items finish first, so the list's order is the items' order, not completion order.
                await Task.Delay(TimeSpan.FromMilliseconds(10 * (4 - index)), ct);
                return $"{index}:{ctx.Get<string>("item")}";
            }))
            .Build();

        var result = await engine.ExecuteAsync(workflow, Inputs(("chunks", new[] { "a", "b", "c", "d" }))).Within();

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        Assert.Equal(["summaries", "summaries[0]", "summaries[1]", "summaries[2]", "summaries[3]"], Paths(result));
        Assert.All(result.Steps.Skip(1), s => Assert.Equal("summary", s.StepName));
        Assert.Equal("map", result.Steps[0].StepType);
        Assert.Equal(["0:a", "1:b", "2:c", "3:d"], Assert.IsAssignableFrom<IReadOnlyList<object?>>(result.Output));
    }

    [Fact]
    public async Task Map_SeveralSteps_PathsPerItemStepAndEachItemReadsItsOwnOutputs()
    {
        await using var engine = new WorkflowEngine(new MockChatClient().WithPatternResponse("^Extract (.*)$", "facts of $1"));
        var workflow = Workflow.Create("map-seq")
            .AddMap("summaries", "chunks", m => m
                .AddLlmStep("extract", "Extract {item}")
                .AddTransformStep("shorten", ctx => $"[{ctx.Get<int>("index")}] {ctx.Get<string>("extract")}"), maxConcurrency: 3)
            .Build();

        var result = await engine.ExecuteAsync(workflow, Inputs(("chunks", new List<string> { "x", "y", "z", "w" }))).Within();

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        Assert.Equal(
            ["summaries",
             "summaries[0]/extract", "summaries[0]/shorten",
             "summaries[1]/extract", "summaries[1]/shorten",
             "summaries[2]/extract", "summaries[2]/shorten",
             "summaries[3]/extract", "summaries[3]/shorten"],
            Paths(result));
        Assert.Equal(["[0] facts of x", "[1] facts of y", "[2] facts of z", "[3] facts of w"], Assert.IsAssignableFrom<IReadOnlyList<object?>>(result.Output));
        Assert.Equal("facts of w", At(result, "summaries[3]/extract").Output);
    }

    [Fact]
    public async Task Map_ThousandItemsMaxConcurrency16_PeakInFlightIsExactly16()
    {
        var probe = new ConcurrencyProbe();
        await using var engine = new WorkflowEngine();
        var workflow = Workflow.Create("big-map")
            .AddMap("out", "items", m => m.AddTransformStep("work", (ctx, ct) => probe.RunAsync(ctx.GetVariable("item"), TimeSpan.FromMilliseconds(5), ct)), maxConcurrency: 16)
            .Build();

        var result = await engine.ExecuteAsync(workflow, Inputs(("items", Enumerable.Range(0, 1000).ToArray()))).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        Assert.Equal(1000, probe.Entered);
        Assert.Equal(16, probe.Peak);
        Assert.Equal(Enumerable.Range(0, 1000).Cast<object?>(), Assert.IsAssignableFrom<IReadOnlyList<object?>>(result.Output));
        Assert.Equal(1001, result.Steps.Count);
        Assert.Equal("out[999]", result.Steps[^1].Path);
    }

    [Fact]
    public async Task Map_NoLimit_UsesEngineMaxDegreeOfParallelism()
    {
        var probe = new ConcurrencyProbe();
        await using var engine = new WorkflowEngine(new MockChatClient(), new GenAiWorkflowOptions { MaxDegreeOfParallelism = 4 });
        var workflow = Workflow.Create("engine-map")
            .AddMap("out", "items", m => m.AddTransformStep("work", (_, ct) => probe.RunAsync(null, TimeSpan.FromMilliseconds(30), ct)))
            .Build();

        var result = await engine.ExecuteAsync(workflow, Inputs(("items", Enumerable.Range(0, 12).ToList()))).Within();

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        Assert.Equal(4, probe.Peak);
    }

    [Fact]
    public async Task Map_JsonArray_ItemsAreJsonElementsFormattedInPrompts()
    {
        var mock = new MockChatClient().WithPatternResponse("^Summarize: (.*)$", "S($1)");
        await using var engine = new WorkflowEngine(mock);
        using var json = JsonDocument.Parse("""["first chunk", "second chunk", 3]""");
        var workflow = Workflow.Create("json-map")
            .AddMap("summaries", "chunks", m => m.AddLlmStep("summary", "Summarize: {item}"))
            .Build();

        var result = await engine.ExecuteAsync(workflow, Inputs(("chunks", json.RootElement))).Within();

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        Assert.Equal(["Summarize: 3", "Summarize: first chunk", "Summarize: second chunk"], mock.Calls.Select(static c => c.Prompt).Order(StringComparer.Ordinal));
        Assert.Equal(["S(first chunk)", "S(second chunk)", "S(3)"], Assert.IsAssignableFrom<IReadOnlyList<object?>>(result.Output));
    }

    [Fact]
    public async Task Map_LaterTemplateReadsList_OneItemPerLine()
    {
        var mock = new MockChatClient().WithPatternResponse("^Summarize: (.*)$", "S-$1");
        await using var engine = new WorkflowEngine(mock);
        var workflow = Workflow.Create("map-format")
            .AddMap("summaries", "chunks", m => m.AddLlmStep("summary", "Summarize: {item}"))
            .AddLlmStep("combine", "Combine:\n{summaries}")
            .Build();

        var result = await engine.ExecuteAsync(workflow, Inputs(("chunks", new[] { "a", "b", "c" }))).Within();

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        Assert.Equal("Combine:\nS-a\nS-b\nS-c", mock.Calls[^1].Prompt);
    }

    [Fact]
    public async Task Map_EmptyList_OutputsEmptyListAndRunsNothing()
    {
        await using var engine = new WorkflowEngine();
        var workflow = Workflow.Create("empty-map").AddMap("out", "items", m => m.AddTransformStep("work", static _ => 1)).Build();

        var result = await engine.ExecuteAsync(workflow, Inputs(("items", Array.Empty<int>()))).Within();

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        Assert.Empty(Assert.IsAssignableFrom<IReadOnlyList<object?>>(result.Output));
        Assert.Equal(["out"], Paths(result));
    }

    public static TheoryData<string, object?, string> BadItems => new()
    {
        { "missing", null, "which the run does not have" },
        { "null", null, "which is null" },
        { "string", "a, b, c", "which is a string, not a list" },
        { "json-object", JsonDocument.Parse("""{"a": 1}""").RootElement, "which is a JSON Object, not a JSON array" },
        { "number", 42, "which holds a System.Int32, not a list" },
    };

    [Theory]
    [MemberData(nameof(BadItems))]
    public async Task Map_ItemsVariableNotAList_FailsWithClearError(string kind, object? value, string expected)
    {
        await using var engine = new WorkflowEngine();
        var ran = false;
        var workflow = Workflow.Create("bad-items").AddMap("out", "chunks", m => m.AddTransformStep("work", _ => ran = true)).Build();
        var inputs = kind == "missing" ? Inputs(("other", 1)) : Inputs(("chunks", value));

        var result = await engine.ExecuteAsync(workflow, inputs).Within();

        Assert.Equal(WorkflowStatus.Failed, result.Status);
        Assert.False(ran);
        Assert.Equal("out", result.Error!.StepPath);
        Assert.Contains("Map 'out' maps over the variable 'chunks'", result.Error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Map_CriticalItemFails_CancelsOtherItemsAndAttributesErrorToItem()
    {
        await using var engine = new WorkflowEngine();
        var started = 0;
        var workflow = Workflow.Create("map-fail")
            .AddMap("summaries", "chunks", m => m.AddTransformStep("summary", async (ctx, ct) =>
            {
                Interlocked.Increment(ref started);
                if (ctx.Get<int>("index") == 3)
                {
                    while (Volatile.Read(ref started) < 5)
                    {
                        await Task.Delay(5, ct);
                    }

                    throw new InvalidOperationException("item 3 broke");
                }

                await Task.Delay(Timeout.Infinite, ct);
                return "never";
            }))
            .AddTransformStep("after", static _ => "never")
            .Build();

        var result = await engine.ExecuteAsync(workflow, Inputs(("chunks", new[] { "a", "b", "c", "d", "e" }))).Within();

        Assert.Equal(WorkflowStatus.Failed, result.Status);
        Assert.Equal("summaries[3]", result.Error!.StepPath);
        Assert.Equal("summary", result.Error.StepName);
        Assert.Equal("item 3 broke", result.Error.Message);
        Assert.Equal(StepStatus.Failed, At(result, "summaries").Status);
        Assert.Equal(StepStatus.Failed, At(result, "summaries[3]").Status);
        foreach (var index in new[] { 0, 1, 2, 4 })
        {
            var item = At(result, $"summaries[{index}]");
            Assert.Equal(StepStatus.Cancelled, item.Status);
            Assert.Contains("'summaries[3]' failed", item.Error!.Message, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(result.Steps, s => s.StepName == "after");
    }

    [Fact]
    public async Task Map_CriticalStepOfSequenceFails_ErrorPathNamesItemAndStep()
    {
        await using var engine = new WorkflowEngine();
        var workflow = Workflow.Create("map-seq-fail")
            .AddMap("summaries", "chunks", m => m
                .AddTransformStep("extract", ctx => ctx.Get<int>("index") == 1 ? throw new InvalidOperationException("no facts") : "facts")
                .AddTransformStep("shorten", ctx => ctx.Get<string>("extract")), maxConcurrency: 1)
            .Build();

        var result = await engine.ExecuteAsync(workflow, Inputs(("chunks", new[] { "a", "b", "c" }))).Within();

        Assert.Equal(WorkflowStatus.Failed, result.Status);
        Assert.Equal("summaries[1]/extract", result.Error!.StepPath);
        Assert.Equal(["summaries", "summaries[0]/extract", "summaries[0]/shorten", "summaries[1]/extract"], Paths(result));
    }

    [Fact]
    public async Task Map_NonCriticalItemFails_NullInListAndRunGoesOn()
    {
        await using var engine = new WorkflowEngine();
        var workflow = Workflow.Create("map-soft")
            .AddMap("out", "items", m => m.AddTransformStep(
                "work", ctx => ctx.Get<int>("index") == 1 ? throw new InvalidOperationException("item 1 broke") : ctx.Get<string>("item"), isCritical: false))
            .AddTransformStep("count", ctx => ctx.Get<IReadOnlyList<object?>>("out")!.Count(static o => o is not null))
            .Build();

        var result = await engine.ExecuteAsync(workflow, Inputs(("items", new[] { "a", "b", "c" }))).Within();

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        Assert.Equal(2, result.Output);
        Assert.Equal(["a", null, "c"], Assert.IsAssignableFrom<IReadOnlyList<object?>>(At(result, "out").Output));
        var failed = At(result, "out[1]");
        Assert.Equal(StepStatus.Failed, failed.Status);
        Assert.Equal("out[1]", failed.Error!.StepPath);
        Assert.Equal(StepStatus.Completed, At(result, "out[2]").Status);
    }

    [Fact]
    public async Task Map_CallerCancels_KeepsCompletedItemsAndStartsNoMore()
    {
        await using var engine = new WorkflowEngine();
        using var cts = new CancellationTokenSource();
        var started = 0;
        var waitingItems = 0;
        var waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var workflow = Workflow.Create("map-cancel")
            .AddMap("out", "items", m => m.AddTransformStep("work", async (ctx, ct) =>
            {
                var index = ctx.Get<int>("index");
                Interlocked.Increment(ref started);
                if (index >= 2)
                {
                    // Both workers moved on to later items, so items 0 and 1 are complete.
                    if (Interlocked.Increment(ref waitingItems) == 2)
                    {
                        waiting.TrySetResult();
                    }

                    await Task.Delay(Timeout.Infinite, ct);
                }

                return index;
            }), maxConcurrency: 2)
            .Build();

        var run = engine.ExecuteAsync(workflow, Inputs(("items", Enumerable.Range(0, 10).ToArray())), cancellationToken: cts.Token);
        await waiting.Task.Within();
        await cts.CancelAsync();
        var result = await run.Within();

        Assert.Equal(WorkflowStatus.Cancelled, result.Status);
        Assert.Equal(ErrorKind.Cancelled, result.Error!.Kind);
        Assert.Equal(StepStatus.Completed, At(result, "out[0]").Status);
        Assert.Equal(StepStatus.Completed, At(result, "out[1]").Status);
        Assert.Equal(StepStatus.Cancelled, At(result, "out[2]").Status);
        Assert.Equal(StepStatus.Cancelled, At(result, "out[3]").Status);
        Assert.Equal(StepStatus.Cancelled, At(result, "out").Status);
        Assert.True(Volatile.Read(ref started) <= 4, $"{started} items started after the cancellation.");
        Assert.DoesNotContain(result.Steps, static s => s.Path == "out[9]");
    }

    [Fact]
    public async Task Map_NestedInParallelWithLoopInside_PathsCompose()
    {
        await using var engine = new WorkflowEngine();
        var workflow = Workflow.Create("nested")
            .AddParallel("fan", static p => p
                .AddStep(new MapStep("per", "items", [new LoopStep("refine", [new TransformStep("draft", static ctx => $"{ctx.Get<string>("item")}{ctx.Get<int>("iteration")}")], static _ => false, 2)]))
                .AddTransformStep("side", static _ => "s"))
            .Build();

        var result = await engine.ExecuteAsync(workflow, Inputs(("items", new[] { "a", "b" }))).Within();

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        // A mapped composite keeps its own name under the item (per[0]/refine), so its iterations are per[0]/refine[1].
        Assert.Equal(
            ["fan", "fan/per", "fan/per[0]/refine", "fan/per[0]/refine[1]/draft", "fan/per[0]/refine[2]/draft",
             "fan/per[1]/refine", "fan/per[1]/refine[1]/draft", "fan/per[1]/refine[2]/draft", "fan/side"],
            Paths(result));
        Assert.Equal(["a2", "b2"], Assert.IsAssignableFrom<IReadOnlyList<object?>>(At(result, "fan/per").Output));
    }

    [Fact]
    public async Task Map_ItemsWithLoopsAndRoutes_KeepEachItemsOutputsApart()
    {
        var mock = new MockChatClient()
            .WithPatternResponse("^Classify (a|c)$", "short")
            .WithPatternResponse("^Classify .*$", "long");
        await using var engine = new WorkflowEngine(mock);
        var workflow = Workflow.Create("isolated")
            .AddMap("per", "items", static m => m
                .AddLoop("grow", static b => b.AddTransformStep("acc", static ctx => $"{ctx.Get<string>("acc")}{ctx.Get<string>("item")}"), static ctx => ctx.Get<string>("acc")!.Length >= 3, maxIterations: 5)
                .AddRoute("kind", "Classify {item}", static r => r
                    .When("short", static b => b.AddTransformStep("tag", static ctx => $"S:{ctx.Get<string>("grow")}"))
                    .When("long", static b => b.AddTransformStep("tagLong", static ctx => $"L:{ctx.Get<string>("grow")}"))))
            .AddMap("again", "per", static m => m.AddTransformStep("upper", static ctx => ctx.Get<string>("item")!.ToUpperInvariant()))
            .Build();

        var result = await engine.ExecuteAsync(workflow, Inputs(("items", new[] { "a", "b", "c", "d" }))).Within();

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        Assert.Equal(["S:aaa", "L:bbb", "S:ccc", "L:ddd"], Assert.IsAssignableFrom<IReadOnlyList<object?>>(At(result, "per").Output));
        Assert.Equal(["S:AAA", "L:BBB", "S:CCC", "L:DDD"], Assert.IsAssignableFrom<IReadOnlyList<object?>>(result.Output));
        Assert.Equal(["per[1]/grow[1]/acc", "per[1]/grow[2]/acc", "per[1]/grow[3]/acc"], Paths(result).Where(static p => p.StartsWith("per[1]/grow[", StringComparison.Ordinal)));
        Assert.Equal("L:bbb", At(result, "per[1]/kind/tagLong").Output);
    }

    [Fact]
    public async Task Map_CustomItemAndIndexVariables_AreVisibleInsideItems()
    {
        await using var engine = new WorkflowEngine(new MockChatClient().WithPatternResponse("^(.*)$", "<$1>"));
        var workflow = new Workflow("custom-vars",
        [
            new MapStep("out", "docs", [new LlmStep("ask", "Doc {n}: {doc}")]) { ItemVariable = "doc", IndexVariable = "n" },
        ]);

        var result = await engine.ExecuteAsync(workflow, Inputs(("docs", new[] { "p", "q" }))).Within();

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        Assert.Equal(["<Doc 0: p>", "<Doc 1: q>"], Assert.IsAssignableFrom<IReadOnlyList<object?>>(result.Output));
    }
}
