namespace Workflows.Tests;

public sealed class WorkflowTests
{
    private static TransformStep Step(string name) => new(name, _ => name);

    [Fact]
    public void Constructor_NoSteps_ThrowsNamingWorkflow()
    {
        var ex = Assert.Throws<WorkflowException>(() => new Workflow("empty", []));

        Assert.Equal("empty", ex.WorkflowName);
        Assert.Contains("no steps", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Constructor_EmptyName_Throws(string name)
    {
        Assert.Throws<WorkflowException>(() => new Workflow(name, [Step("a")]));
    }

    [Fact]
    public void Constructor_DuplicateStepNames_ThrowsNamingTheStep()
    {
        var ex = Assert.Throws<WorkflowException>(() => new Workflow("wf", [Step("draft"), Step("other"), Step("draft")]));

        Assert.Contains("'draft'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("unique", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_StepNamesDifferingOnlyInCase_AreDistinct()
    {
        var workflow = new Workflow("wf", [Step("draft"), Step("Draft")]);

        Assert.Equal(2, workflow.Steps.Count);
    }

    [Fact]
    public void Constructor_NullStep_Throws()
    {
        var ex = Assert.Throws<WorkflowException>(() => new Workflow("wf", [Step("a"), null!]));

        Assert.Contains("Step 2", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a")]
    [InlineData("_private")]
    [InlineData("draft.v2")]
    [InlineData("summarize-2_final")]
    [InlineData("Z9")]
    public void StepName_ValidPattern_IsAccepted(string name)
    {
        Assert.Equal(name, Step(name).Name);
    }

    [Theory]
    [InlineData("")]
    [InlineData("1draft")]
    [InlineData("-draft")]
    [InlineData(".draft")]
    [InlineData("my step")]
    [InlineData("draft!")]
    [InlineData("{draft}")]
    [InlineData("dräft")]
    [InlineData("draft\n")]
    public void StepName_InvalidPattern_ThrowsWithPattern(string name)
    {
        var ex = Assert.Throws<WorkflowException>(() => Step(name));

        Assert.Contains("[A-Za-z_][A-Za-z0-9_.-]*", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddStepOfT_InvalidSlotName_ThrowsAtDefinitionTime()
    {
        Assert.Throws<WorkflowException>(() => Workflow.Create("wf").AddStep<NamedStep>("bad name"));
    }

    [Fact]
    public void Build_BuilderChangedAfterBuild_WorkflowUnchanged()
    {
        var builder = Workflow.Create("wf").AddTransformStep("a", static _ => 1);
        var workflow = builder.Build();

        builder.AddTransformStep("b", static _ => 2);

        Assert.Equal(["a"], workflow.Steps.Select(static s => s.Name));
        Assert.Equal(["a", "b"], builder.Build().Steps.Select(static s => s.Name));
    }

    [Fact]
    public void Build_SourceListChangedAfterConstruction_WorkflowUnchanged()
    {
        var steps = new List<WorkflowStep> { Step("a") };
        var workflow = new Workflow("wf", steps);

        steps.Add(Step("b"));

        Assert.Single(workflow.Steps);
    }

    [Fact]
    public void AddLlmStep_SetsCriticalityModelAndProvider()
    {
        var workflow = Workflow.Create("wf")
            .AddLlmStep("draft", "x", model: "o3", provider: "mock", isCritical: false)
            .Build();

        var step = Assert.IsType<LlmStep>(workflow.Steps[0]);
        Assert.False(step.IsCritical);
        Assert.Equal("o3", step.Model);
        Assert.Equal("mock", step.Provider);
    }

    private sealed class NamedStep() : WorkflowStep("named")
    {
        public override ValueTask<object?> ExecuteAsync(StepContext context, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult<object?>(null);
    }
}
