namespace Workflows.Tests.Edges;

/// <summary>What each builder method passes on to the step it adds, and its argument checks.</summary>
public sealed class WorkflowBuilderEdgeTests
{
    [Fact]
    public void EveryBuilderMethod_PassesItsOptionsToTheStep()
    {
        var sub = Workflow.Create("sub").AddTransformStep("inner", static _ => 1).Build();
        var workflow = Workflow.Create("all")
            .AddTransformStep("sync", static _ => 1, isCritical: false)
            .AddTransformStep("async", static (_, _) => ValueTask.FromResult<object?>(1), isCritical: false)
            .AddStep<NamedStep>(isCritical: false, resiliencePipeline: "retry", timeout: TimeSpan.FromSeconds(3))
            .AddParallel("both", static b => b.AddTransformStep("p", static _ => 1), maxDegreeOfParallelism: 2, isCritical: false)
            .AddMap("each", "items", static b => b.AddTransformStep("m", static _ => 1), maxConcurrency: 3, isCritical: false)
            .AddRoute("pick", static _ => "a", static r => r.When("a", static b => b.AddTransformStep("ra", static _ => 1)), isCritical: false)
            .AddRoute(
                "classify", "Which? {sync}", static r => r.When("b", static b => b.AddTransformStep("rb", static _ => 1)),
                model: "gpt-4o", provider: "azure", isCritical: false)
            .AddLoop("again", static b => b.AddTransformStep("l", static _ => 1), static _ => true, maxIterations: 4, isCritical: false)
            .AddWorkflow(sub, isCritical: false)
            .Build();

        Assert.All(workflow.Steps, static s => Assert.False(s.IsCritical, s.Name));
        var service = workflow.Steps[2];
        Assert.Equal(nameof(NamedStep), service.Name);
        Assert.Equal("retry", service.ResiliencePipelineName);
        Assert.Equal(TimeSpan.FromSeconds(3), service.StepTimeout);
        Assert.Equal(2, Assert.IsType<ParallelStep>(workflow.Steps[3]).MaxDegreeOfParallelism);
        Assert.Equal(3, Assert.IsType<MapStep>(workflow.Steps[4]).MaxConcurrency);
        var classify = Assert.IsType<RouteStep>(workflow.Steps[6]);
        Assert.Equal(("gpt-4o", "azure"), (classify.Model, classify.Provider));
        Assert.Equal(4, Assert.IsType<LoopStep>(workflow.Steps[7]).MaxIterations);
        Assert.Equal("sub", workflow.Steps[8].Name);
    }

    [Fact]
    public void NullArguments_ThrowNamingThem()
    {
        var builder = Workflow.Create("nulls");

        Assert.Equal("step", Assert.Throws<ArgumentNullException>(() => builder.AddStep(null!)).ParamName);
        Assert.Equal("workflow", Assert.Throws<ArgumentNullException>(() => builder.AddWorkflow(null!)).ParamName);
        Assert.Equal("budget", Assert.Throws<ArgumentNullException>(() => builder.WithBudget(null!)).ParamName);
        Assert.Equal("configure", Assert.Throws<ArgumentNullException>(() => builder.AddParallel("p", null!)).ParamName);
        Assert.Equal("configure", Assert.Throws<ArgumentNullException>(() => builder.AddRoute("r", static _ => "a", null!)).ParamName);
        Assert.Equal("steps", Assert.Throws<ArgumentNullException>(() => new Workflow("w", null!)).ParamName);
    }

    private sealed class NamedStep() : WorkflowStep("named")
    {
        public override ValueTask<object?> ExecuteAsync(StepContext context, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult<object?>(1);
    }
}
