using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Workflows.Tests.TestSupport;

namespace Workflows.Tests.Composition;

/// <summary>The edges of the composite steps that mutation testing found unpinned: guards, messages, label matching, scopes.</summary>
public sealed class CompositionEdgeTests
{
    private static readonly IReadOnlyList<WorkflowStep> One = [new TransformStep("one", static _ => 1)];

    private static KeyValuePair<string, IReadOnlyList<WorkflowStep>> Branch(string label, string stepName) =>
        KeyValuePair.Create(label, (IReadOnlyList<WorkflowStep>)[new TransformStep(stepName, _ => label)]);

    public static TheoryData<string, Func<CompositeStep>> Composites() => new()
    {
        { "parallel", static () => new ParallelStep("p", One) },
        { "map", static () => new MapStep("m", "items", One) },
        { "route", static () => new RouteStep("r", static _ => "a", [Branch("a", "x")]) },
        { "loop", static () => new LoopStep("l", One, static _ => true, 1) },
        { "workflow", static () => new SubWorkflowStep("w", new Workflow("inner", One)) },
    };

    [Theory]
    [MemberData(nameof(Composites))]
    public async Task ExecuteAsync_NullContext_ThrowsArgumentNull(string kind, Func<CompositeStep> create)
    {
        var step = create();

        Assert.Equal(kind, step.StepType);
        await Assert.ThrowsAsync<ArgumentNullException>(() => step.ExecuteAsync(null!).AsTask());
    }

    [Fact]
    public void Constructors_NullArguments_ThrowArgumentNull()
    {
        Assert.Throws<ArgumentNullException>(() => new ParallelStep("p", null!));
        Assert.Throws<ArgumentNullException>(() => new MapStep("m", "items", null!));
        Assert.Throws<ArgumentNullException>(() => new LoopStep("l", One, null!, 1));
        Assert.Throws<ArgumentNullException>(() => new SubWorkflowStep("w", null!));
        Assert.Throws<ArgumentNullException>(() => new RouteStep("r", (Func<StepContext, string?>)null!, [Branch("a", "x")]));
        Assert.Throws<ArgumentNullException>(() => new RouteStep("r", (string)null!, [Branch("a", "x")]));
        Assert.Throws<ArgumentNullException>(() => new RouteStep("r", static _ => "a", null!));
    }

    [Fact]
    public void Constructors_EmptyOrNullSteps_NameTheOwnerAndThePlace()
    {
        Assert.Equal("Parallel group 'p' has no steps in its branches. Add at least one step.",
            Assert.Throws<WorkflowException>(() => new ParallelStep("p", [])).Message);
        Assert.Equal("Step 2 of its mapped body of Map 'm' is null.",
            Assert.Throws<WorkflowException>(() => new MapStep("m", "items", [One[0], null!])).Message);
        Assert.Equal("Loop 'l' has no steps in its body. Add at least one step.",
            Assert.Throws<WorkflowException>(() => new LoopStep("l", [], static _ => true, 1)).Message);
        Assert.Equal("Route 'r' has no steps in its Otherwise branch. Add at least one step.",
            Assert.Throws<WorkflowException>(() => new RouteStep("r", static _ => "a", [Branch("a", "x")], [])).Message);
    }

    [Fact]
    public void Limits_BelowOne_MessageNamesOwnerPropertyAndDefault()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new ParallelStep("p", One) { MaxDegreeOfParallelism = 0 });

        Assert.StartsWith("Parallel group 'p': MaxDegreeOfParallelism must be at least 1 (or null for the engine's GenAiWorkflows:MaxDegreeOfParallelism).", error.Message, StringComparison.Ordinal);
        Assert.Equal("MaxDegreeOfParallelism", error.ParamName);
        Assert.Equal(1, new ParallelStep("p", One) { MaxDegreeOfParallelism = 1 }.MaxDegreeOfParallelism);
        Assert.StartsWith("Map 'm': MaxConcurrency must be at least 1", Assert.Throws<ArgumentOutOfRangeException>(() => new MapStep("m", "items", One) { MaxConcurrency = -1 }).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Loop_MaxIterationsOne_IsAllowedAndZeroNamesTheRule()
    {
        Assert.Equal(1, new LoopStep("l", One, static _ => true, 1).MaxIterations);

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new LoopStep("l", One, static _ => true, 0));

        Assert.StartsWith("Loop 'l': maxIterations must be at least 1; a loop always has a bound.", error.Message, StringComparison.Ordinal);
        Assert.Equal("maxIterations", error.ParamName);
    }

    [Theory]
    [InlineData("bad name")]
    [InlineData("1st")]
    public void Map_ItemsVariableNotAName_Rejected(string items) =>
        Assert.Throws<WorkflowException>(() => new MapStep("m", items, One));

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("{x}")]
    [InlineData("a}")]
    [InlineData(" padded")]
    public void Route_InvalidLabel_RejectedNamingIt(string label)
    {
        var error = Assert.Throws<WorkflowException>(() => new RouteStep("r", static _ => "a", [Branch(label, "x")]));

        Assert.Equal($"Route 'r' has the label '{label}': a label must be non-empty, without surrounding spaces or braces.", error.Message);
    }

    [Fact]
    public void Route_DuplicateLabelOrNoBranches_MessagesSaySo()
    {
        Assert.Equal("Route 'r' has the label 'B' twice (labels match case-insensitively). Give each branch its own label.",
            Assert.Throws<WorkflowException>(() => new RouteStep("r", static _ => "a", [Branch("b", "x"), Branch("B", "y")])).Message);
        Assert.Equal("Route 'r' has no branches. Add at least one with When(label, ...).",
            Assert.Throws<WorkflowException>(() => new RouteStep("r", static _ => "a", [])).Message);
    }

    [Fact]
    public void RouteBuilder_OtherwiseTwiceOrBudgetInsideABranch_NamesTheRoute()
    {
        var twice = Assert.Throws<WorkflowException>(() => Workflow.Create("w")
            .AddRoute("triage", static _ => "a", static r => r
                .When("a", static b => b.AddTransformStep("x", static _ => 1))
                .Otherwise(static b => b.AddTransformStep("y", static _ => 1))
                .Otherwise(static b => b.AddTransformStep("z", static _ => 1))));
        var budget = Assert.Throws<WorkflowException>(() => Workflow.Create("w")
            .AddRoute("triage", static _ => "a", static r => r
                .When("refund", static b => b.AddTransformStep("x", static _ => 1).WithBudget(new RunBudget { MaxTokens = 5 }))));

        Assert.Equal("Route 'triage' already has an Otherwise branch; set it once.", twice.Message);
        Assert.Equal("WithBudget was called inside 'triage/refund'. A budget applies to a whole run: set it on the outer workflow.", budget.Message);
    }

    [Fact]
    public async Task Route_NullLabelWithoutOtherwise_FailsSayingNull()
    {
        await using var engine = new WorkflowEngine();
        var workflow = Workflow.Create("w").AddRoute("triage", static _ => null, static r => r.When("a", static b => b.AddTransformStep("x", static _ => 1))).Build();

        var result = await engine.ExecuteAsync(workflow).Within();

        Assert.Equal(
            "Route 'triage' got the label '(null)', which matches none of its routes (a), and it has no Otherwise branch. Add an Otherwise branch or a route for it.",
            result.Error!.Message);
    }

    [Fact]
    public async Task Route_Classification_SystemPromptIsTheLabelInstruction()
    {
        var mock = new MockChatClient().WithFallback("refund");
        await using var engine = new WorkflowEngine(mock);
        var workflow = Workflow.Create("w")
            .AddRoute("triage", "Message: {message}", static r => r
                .When("refund", static b => b.AddTransformStep("x", static _ => 1))
                .When("billing", static b => b.AddTransformStep("y", static _ => 2)))
            .Build();

        await engine.ExecuteAsync(workflow, new Dictionary<string, object?> { ["message"] = "money back" }).Within();

        var call = Assert.Single(mock.Calls);
        Assert.Equal(
            "Classify the user's message. Answer with exactly one of these labels and nothing else: refund, billing.",
            call.Messages[0].Text);
        Assert.Equal("Message: money back", call.Prompt);
    }

    [Theory]
    [InlineData("billing dispute", "dispute_reply")]        // the whole reply names the longer label, which contains the shorter
    [InlineData("Refund, please", "refund_reply")]          // the label as the first word
    [InlineData("I would like a refund", "refund_reply")]   // the label as the last word
    [InlineData("refund or billing", "other_reply")]        // two labels: no match
    [InlineData("nonrefundable purchase", "other_reply")]   // the label inside a word: no match
    [InlineData("refunded twice", "other_reply")]
    public async Task Route_ClassificationReply_MatchesWholeLabelWordsOnly(string reply, string taken)
    {
        await using var engine = new WorkflowEngine(new MockChatClient().WithFallback(reply));
        var workflow = Workflow.Create("w")
            .AddRoute("triage", "Classify: {message}", static r => r
                .When("refund", static b => b.AddTransformStep("refund_reply", static _ => "r"))
                .When("billing", static b => b.AddTransformStep("billing_reply", static _ => "b"))
                .When("billing dispute", static b => b.AddTransformStep("dispute_reply", static _ => "d"))
                .Otherwise(static b => b.AddTransformStep("other_reply", static _ => "o")))
            .Build();

        var result = await engine.ExecuteAsync(workflow, new Dictionary<string, object?> { ["message"] = "m" }).Within();

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        Assert.Equal(["triage", $"triage/{taken}"], result.Steps.Select(static s => s.Path));
    }

    [Fact]
    public async Task Route_LongUnmatchedReply_MessageShowsItsFirst80Characters()
    {
        var reply = new string('x', 80) + "TAIL";
        await using var engine = new WorkflowEngine(new MockChatClient().WithFallback(reply));
        var workflow = Workflow.Create("w")
            .AddRoute("triage", "Classify: {message}", static r => r.When("refund", static b => b.AddTransformStep("x", static _ => 1)))
            .Build();

        var result = await engine.ExecuteAsync(workflow, new Dictionary<string, object?> { ["message"] = "m" }).Within();

        Assert.Contains($"got the reply '{new string('x', 80)}…', which matches none", result.Error!.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("TAIL", result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Route_ShortUnmatchedReply_MessageShowsItWhole()
    {
        var reply = new string('y', 80);
        await using var engine = new WorkflowEngine(new MockChatClient().WithFallback(reply));
        var workflow = Workflow.Create("w")
            .AddRoute("triage", "Classify: {message}", static r => r.When("refund", static b => b.AddTransformStep("x", static _ => 1)))
            .Build();

        var result = await engine.ExecuteAsync(workflow, new Dictionary<string, object?> { ["message"] = "m" }).Within();

        Assert.Contains($"got the reply '{reply}', which", result.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Loop_IterationVariable_IsTheLoopsOwnAndGoneAfterIt()
    {
        await using var engine = new WorkflowEngine();
        var workflow = Workflow.Create("w")
            .AddLoop("refine", static b => b.AddTransformStep("count", static ctx => ctx.Get<int>("iteration")), static _ => false, 2)
            .AddTransformStep("after", static ctx => ctx.TryGetVariable("iteration", out _))
            .Build();

        var result = await engine.ExecuteAsync(workflow).Within();

        Assert.Equal(false, result.Output);
        Assert.Equal(2, result.GetStep("count")!.Output);
    }

    [Fact]
    public async Task Loop_ReachingItsMaximum_LogsLoopExhausted()
    {
        var collector = new FakeLogCollector();
        using var loggerFactory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(new FakeLoggerProvider(collector)));
        await using var engine = new WorkflowEngine(new ProviderRegistry(), loggerFactory: loggerFactory);
        var workflow = Workflow.Create("w")
            .AddLoop("refine", static b => b.AddTransformStep("x", static _ => 1), static _ => false, 2)
            .AddLoop("once", static b => b.AddTransformStep("y", static _ => 1), static _ => true, 2)
            .Build();

        await engine.ExecuteAsync(workflow).Within();

        var exhausted = Assert.Single(collector.GetSnapshot(), static r => r.Id.Id == 1017);
        Assert.Equal(LogLevel.Warning, exhausted.Level);
        Assert.Equal("Loop refine (path refine) stopped after its maximum of 2 iterations without its condition holding.", exhausted.Message);
    }

    [Fact]
    public async Task Route_TakingABranch_LogsRouteSelected()
    {
        var collector = new FakeLogCollector();
        using var loggerFactory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(new FakeLoggerProvider(collector)));
        await using var engine = new WorkflowEngine(new ProviderRegistry(), loggerFactory: loggerFactory);
        var workflow = Workflow.Create("w")
            .AddRoute("triage", static _ => "zzz", static r => r
                .When("a", static b => b.AddTransformStep("x", static _ => 1))
                .Otherwise(static b => b.AddTransformStep("y", static _ => 2)))
            .Build();

        await engine.ExecuteAsync(workflow).Within();

        Assert.Equal("Route triage (path triage) took the branch otherwise.", Assert.Single(collector.GetSnapshot(), static r => r.Id.Id == 1016).Message);
    }

    [Fact]
    public async Task Map_MissingVariableInsideAnItem_ListsTheItemsAndTheRunsVariables()
    {
        await using var engine = new WorkflowEngine();
        var workflow = Workflow.Create("w")
            .AddMap("out", "items", static m => m.AddTransformStep("x", static ctx => ctx.GetVariable("nope")))
            .Build();

        var result = await engine.ExecuteAsync(workflow, new Dictionary<string, object?> { ["items"] = new[] { "a" }, ["topic"] = "t" }).Within();

        Assert.Equal(
            "Step 'x' asked for the variable 'nope', which the run does not have. Available variables: index, item, items, topic.",
            result.Error!.Message);
        Assert.Equal("out[0]", result.Error.StepPath);
    }

    [Fact]
    public void Graph_NestedMapVariableCollidingWithAStep_Rejected()
    {
        var error = Assert.Throws<WorkflowException>(() => Workflow.Create("w")
            .AddTransformStep("item", static _ => 1)
            .AddParallel("group", static p => p.AddMap("inner", "list", static m => m.AddTransformStep("x", static _ => 1)))
            .Build());

        Assert.Equal("The item variable of map 'inner' is 'item', which is also the name of the step 'item'. Rename one of them.", error.Message);
    }

    [Fact]
    public void Graph_SameItemAndIndexVariable_MessageSaysSo()
    {
        var error = Assert.Throws<WorkflowException>(() => new Workflow("w", [new MapStep("m", "list", One) { ItemVariable = "v", IndexVariable = "v" }]));

        Assert.Equal("Map 'm' uses 'v' as both its item and its index variable. Give them different names.", error.Message);
    }

    [Fact]
    public void Graph_MapBodyReadingALaterStep_Rejected()
    {
        var error = Assert.Throws<WorkflowException>(() => Workflow.Create("w")
            .AddMap("m", "list", static m => m.AddLlmStep("x", "Use {later}"))
            .AddTransformStep("later", static _ => 1)
            .Build());

        Assert.StartsWith("Step 'm[]/x' reads {later}, but the step 'later' does not always complete before it.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Graph_RouteBranchOrOtherwiseReadingALaterStep_Rejected()
    {
        var inBranch = Assert.Throws<WorkflowException>(() => Workflow.Create("w")
            .AddRoute("r", static _ => "a", static r => r.When("a", static b => b.AddLlmStep("x", "Use {later}")))
            .AddTransformStep("later", static _ => 1)
            .Build());
        var inOtherwise = Assert.Throws<WorkflowException>(() => Workflow.Create("w")
            .AddRoute("r", static _ => "a", static r => r
                .When("a", static b => b.AddTransformStep("x", static _ => 1))
                .Otherwise(static b => b.AddLlmStep("y", "Use {later}")))
            .AddTransformStep("later", static _ => 1)
            .Build());

        Assert.StartsWith("Step 'r/x' reads {later}", inBranch.Message, StringComparison.Ordinal);
        Assert.StartsWith("Step 'r/y' reads {later}", inOtherwise.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Graph_DuplicateNameInOtherwiseBranch_Rejected()
    {
        var error = Assert.Throws<WorkflowException>(() => Workflow.Create("w")
            .AddTransformStep("reply", static _ => 1)
            .AddRoute("r", static _ => "a", static r => r
                .When("a", static b => b.AddTransformStep("x", static _ => 1))
                .Otherwise(static b => b.AddTransformStep("reply", static _ => 2)))
            .Build());

        Assert.StartsWith("Workflow 'w' has two steps named 'reply' (at 'reply' and 'r/reply').", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Graph_NamesWithin_ListsEachCompositeBeforeTheStepsInsideIt() =>
        Assert.Equal(
            ["m", "g", "a", "b"],
            WorkflowGraph.NamesWithin([new MapStep("m", "list", [new ParallelStep("g", [new TransformStep("a", static _ => 1), new TransformStep("b", static _ => 1)])])]));
}
