using Polly;

namespace Workflows.Tests.Composition;

public sealed class WorkflowGraphTests
{
    private static WorkflowException Rejected(Func<WorkflowBuilder, WorkflowBuilder> define) =>
        Assert.Throws<WorkflowException>(() => define(Workflow.Create("graph")).Build());

    [Fact]
    public void DuplicateName_BranchAndTopLevel_Rejected()
    {
        var error = Rejected(w => w
            .AddParallel("review", static p => p.AddLlmStep("pros", "a").AddLlmStep("cons", "b"))
            .AddLlmStep("pros", "c"));

        Assert.Contains("two steps named 'pros' (at 'review/pros' and 'pros')", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DuplicateName_InTwoBranchesOfParallel_Rejected()
    {
        var error = Rejected(w => w.AddParallel("fan", static p => p
            .AddWorkflow(Workflow.Create("one").AddLlmStep("shared", "a").Build())
            .AddWorkflow(Workflow.Create("two").AddLlmStep("shared", "b").Build())));

        Assert.Contains("'fan/one/shared' and 'fan/two/shared'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DuplicateName_MapBodyAndLoopBodyAndRouteBranch_Rejected()
    {
        Assert.Contains("'items[]/work'", Rejected(w => w
            .AddMap("items", "list", static m => m.AddTransformStep("work", static _ => 1))
            .AddTransformStep("work", static _ => 2)).Message, StringComparison.Ordinal);
        Assert.Contains("'loop[]/work'", Rejected(w => w
            .AddTransformStep("work", static _ => 2)
            .AddLoop("loop", static b => b.AddTransformStep("work", static _ => 1), static _ => true, 2)).Message, StringComparison.Ordinal);
        Assert.Contains("'triage/work'", Rejected(w => w
            .AddTransformStep("work", static _ => 2)
            .AddRoute("triage", static _ => "a", static r => r.When("a", static b => b.AddTransformStep("work", static _ => 1)))).Message, StringComparison.Ordinal);
        Assert.Contains("two steps named 'review'", Rejected(w => w
            .AddParallel("review", static p => p.AddParallel("review", static q => q.AddTransformStep("x", static _ => 1)))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_SiblingBranchOutput_Rejected()
    {
        var error = Rejected(w => w.AddParallel("review", static p => p
            .AddLlmStep("pros", "Pros of {topic}")
            .AddLlmStep("cons", "Cons, given {pros}")));

        Assert.Contains("Step 'review/cons' reads {pros}", error.Message, StringComparison.Ordinal);
        Assert.Contains("'review/pros' does not always complete before it", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_PerItemMapOutputAfterMap_Rejected()
    {
        var error = Rejected(w => w
            .AddMap("summaries", "chunks", static m => m.AddLlmStep("summary", "Summarize {item}"))
            .AddLlmStep("combine", "Combine {summary}"));

        Assert.Contains("Step 'combine' reads {summary}", error.Message, StringComparison.Ordinal);
        Assert.Contains("'summaries[]/summary'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_OneRouteBranchStepAfterRoute_Rejected()
    {
        var error = Rejected(w => w
            .AddRoute("triage", static _ => "a", static r => r
                .When("a", static b => b.AddLlmStep("onlyA", "a"))
                .When("b", static b => b.AddLlmStep("onlyB", "b")))
            .AddLlmStep("reply", "Reply with {onlyA}"));

        Assert.Contains("Step 'reply' reads {onlyA}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_LaterStep_Rejected()
    {
        var error = Rejected(w => w
            .AddLlmStep("first", "Use {second}")
            .AddLlmStep("second", "b"));

        Assert.Contains("Step 'first' reads {second}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_MapItemsFromLaterStep_Rejected()
    {
        var error = Rejected(w => w
            .AddMap("summaries", "chunks", static m => m.AddLlmStep("summary", "Summarize {item}"))
            .AddLlmStep("chunks", "make chunks"));

        Assert.Contains("Step 'summaries' maps over {chunks}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_ClassificationPromptFromLaterStep_Rejected()
    {
        var error = Rejected(w => w
            .AddRoute("triage", "Classify {later}", static r => r.When("a", static b => b.AddLlmStep("x", "x")))
            .AddLlmStep("later", "l"));

        Assert.Contains("Step 'triage' reads {later}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_AllowedFlows_Build()
    {
        var workflow = Workflow.Create("ok")
            .AddParallel("review", static p => p.AddLlmStep("pros", "Pros {topic}").AddLlmStep("cons", "Cons {topic}"))
            .AddLlmStep("verdict", "{pros} {cons} {review}")
            .AddMap("summaries", "chunks", static m => m.AddLlmStep("summary", "{item} {index} {verdict}").AddLlmStep("short", "{summary}"))
            .AddLlmStep("combined", "{summaries}")
            .AddRoute("triage", "Classify {combined}", static r => r.When("a", static b => b.AddLlmStep("ra", "{combined}")).Otherwise(static b => b.AddLlmStep("rb", "x")))
            .AddLoop("refine", static b => b.AddLlmStep("draft", "{iteration} {critique} {triage}").AddLlmStep("critique", "{draft}"), static _ => true, 3)
            .AddLlmStep("final", "{draft} {critique} {refine}")
            .Build();

        Assert.Equal(7, workflow.Steps.Count);
    }

    [Theory]
    [InlineData("item")]
    [InlineData("index")]
    public void MapVariable_CollidingWithStepName_Rejected(string name)
    {
        var error = Rejected(w => w
            .AddTransformStep(name, static _ => 1)
            .AddMap("out", "list", static m => m.AddTransformStep("work", static _ => 1)));

        Assert.Contains($"is '{name}', which is also the name of the step '{name}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MapVariable_CollidingWithStepInsideItsBody_Rejected()
    {
        var error = Rejected(w => w.AddMap("out", "list", static m => m.AddTransformStep("item", static _ => 1)));

        Assert.Contains("item variable of map 'out'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MapItemAndIndexVariables_Same_Rejected()
    {
        Assert.Throws<WorkflowException>(() => new Workflow("same", [new MapStep("out", "list", [new TransformStep("w", static _ => 1)]) { ItemVariable = "x", IndexVariable = "x" }]));
    }

    [Fact]
    public void LoopIterationVariable_CollidingWithStepName_Rejected()
    {
        var error = Rejected(w => w.AddLoop("loop", static b => b.AddTransformStep("iteration", static _ => 1), static _ => true, 2));

        Assert.Contains("iteration variable of loop 'loop' is 'iteration'", error.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string> CompositeKinds => ["parallel", "map", "route", "loop", "workflow"];

    [Theory]
    [MemberData(nameof(CompositeKinds))]
    public void ResiliencePipeline_OnCompositeStep_Rejected(string kind)
    {
        WorkflowStep[] body = [new TransformStep("inner", static _ => 1)];
        WorkflowStep step = kind switch
        {
            "parallel" => new ParallelStep("c", body) { ResiliencePipeline = ResiliencePipeline.Empty },
            "map" => new MapStep("c", "list", body) { ResiliencePipeline = ResiliencePipeline.Empty },
            "route" => new RouteStep("c", static _ => "a", [KeyValuePair.Create("a", (IReadOnlyList<WorkflowStep>)body)]) { ResiliencePipelineName = "retry" },
            "loop" => new LoopStep("c", body, static _ => true, 2) { ResiliencePipeline = ResiliencePipeline.Empty },
            _ => new SubWorkflowStep("c", new Workflow("sub", body)) { ResiliencePipelineName = "retry" },
        };

        var error = Assert.Throws<WorkflowException>(() => new Workflow("resilient", [step]));

        Assert.Contains("Step 'c'", error.Message, StringComparison.Ordinal);
        Assert.Contains("resilience pipeline", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ResiliencePipeline_OnStepInsideComposite_Allowed()
    {
        var workflow = new Workflow("inner-resilient",
            [new ParallelStep("fan", [new TransformStep("inner", static _ => 1) { ResiliencePipeline = ResiliencePipeline.Empty }])]);

        Assert.Single(workflow.Steps);
    }

    [Fact]
    public void Limits_BelowOne_Rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new MapStep("m", "list", [new TransformStep("w", static _ => 1)]) { MaxConcurrency = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new ParallelStep("p", [new TransformStep("w", static _ => 1)]) { MaxDegreeOfParallelism = -1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new LoopStep("l", [new TransformStep("w", static _ => 1)], static _ => true, 0));
    }

    [Fact]
    public void WithBudget_InsideNestedBuilder_Rejected()
    {
        Assert.Throws<WorkflowException>(() => Workflow.Create("w")
            .AddParallel("p", static p => p.AddTransformStep("x", static _ => 1).WithBudget(new RunBudget { MaxTokens = 5 })));
    }
}
