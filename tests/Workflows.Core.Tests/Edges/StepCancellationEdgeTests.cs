namespace Workflows.Tests.Edges;

/// <summary>A step that throws <see cref="OperationCanceledException"/> while the run is not cancelled: a failure, reported as the step's own.</summary>
public sealed class StepCancellationEdgeTests
{
    [Fact]
    public async Task ExecuteAsync_CriticalStepThrowsOperationCanceledOnItsOwn_ReportsThatErrorAsAStepFailure()
    {
        await using var engine = new WorkflowEngine();
        var workflow = Workflow.Create("wf")
            .AddTransformStep("a", static _ => throw new OperationCanceledException("inner timeout"))
            .AddTransformStep("b", static _ => "never")
            .Build();

        var result = await engine.ExecuteAsync(workflow);

        Assert.Equal(WorkflowStatus.Failed, result.Status);
        var error = result.Error!;
        Assert.Equal(ErrorKind.StepFailed, error.Kind);
        Assert.Equal("inner timeout", error.Message);
        Assert.Equal(typeof(OperationCanceledException).FullName, error.ExceptionType);
        Assert.Equal("a", error.StepName);
        Assert.IsType<OperationCanceledException>(error.Exception);
        var step = Assert.Single(result.Steps);
        Assert.Equal(StepStatus.Failed, step.Status);
        Assert.Equal("inner timeout", step.Error?.Message);
    }

    [Fact]
    public async Task ExecuteAsync_NonCriticalStepThrowsOperationCanceledOnItsOwn_RunGoesOn()
    {
        await using var engine = new WorkflowEngine();
        var workflow = Workflow.Create("wf")
            .AddTransformStep("a", static _ => throw new OperationCanceledException("inner timeout"), isCritical: false)
            .AddTransformStep("b", static _ => "after")
            .Build();

        var result = await engine.ExecuteAsync(workflow);

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        Assert.Equal("after", result.Output);
        Assert.Equal([StepStatus.Failed, StepStatus.Completed], result.Steps.Select(s => s.Status));
        Assert.Equal(ErrorKind.StepFailed, result.Steps[0].Error?.Kind);
        Assert.Equal("inner timeout", result.Steps[0].Error?.Message);
    }
}
