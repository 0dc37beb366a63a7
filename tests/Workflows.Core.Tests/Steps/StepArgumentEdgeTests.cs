using Microsoft.Extensions.AI;

namespace Workflows.Tests.Steps;

/// <summary>The arguments of the built-in steps and of a model request, and the step-name rules, checked where they are given.</summary>
public sealed class StepArgumentEdgeTests
{
    [Fact]
    public void LlmStep_NullArguments_ThrowNamingThem()
    {
        var step = new LlmStep("ask", "Hello {name}");

        Assert.Equal("promptTemplate", Assert.Throws<ArgumentNullException>(() => new LlmStep("ask", null!)).ParamName);
        Assert.Equal("variables", Assert.Throws<ArgumentNullException>(() => step.BuildRequest(null!, new GenAiWorkflowOptions())).ParamName);
        Assert.Equal(
            "defaults", Assert.Throws<ArgumentNullException>(() => step.BuildRequest(new Dictionary<string, object?>(), null!)).ParamName);
    }

    [Fact]
    public async Task StepExecuteAsync_NullContext_ThrowsNamingIt()
    {
        Assert.Equal("context", (await Assert.ThrowsAsync<ArgumentNullException>(
            () => new LlmStep("ask", "x").ExecuteAsync(null!).AsTask())).ParamName);
        Assert.Equal("context", (await Assert.ThrowsAsync<ArgumentNullException>(
            () => new TransformStep("t", static _ => 1).ExecuteAsync(null!).AsTask())).ParamName);
        Assert.Equal("context", (await Assert.ThrowsAsync<ArgumentNullException>(
            () => new ServiceStep("s", typeof(TransformStep)).ExecuteAsync(null!).AsTask())).ParamName);
    }

    [Fact]
    public void TransformStep_NullDelegate_ThrowsNamingIt()
    {
        Assert.Equal("transform", Assert.Throws<ArgumentNullException>(() => new TransformStep("t", (Func<StepContext, object?>)null!)).ParamName);
        Assert.Equal(
            "transform",
            Assert.Throws<ArgumentNullException>(
                () => new TransformStep("t", (Func<StepContext, CancellationToken, ValueTask<object?>>)null!)).ParamName);
    }

    [Fact]
    public async Task TransformStep_CancelledBeforeItRuns_DoesNotRunTheDelegate()
    {
        var ran = false;
        var step = new TransformStep("t", _ => ran = true);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await using var engine = new WorkflowEngine();

        var result = await engine.ExecuteAsync(new Workflow("cancelled", [step]), cancellationToken: cancelled.Token);

        Assert.Equal(WorkflowStatus.Cancelled, result.Status);
        Assert.False(ran);
    }

    [Fact]
    public void ModelRequest_FromPrompt_SystemMessageFirstWhenGiven()
    {
        var plain = new ModelRequest("Hello");
        var withSystem = new ModelRequest("Hello", "Be brief.");

        Assert.Equal([(ChatRole.User, "Hello")], plain.Messages.Select(m => (m.Role, m.Text)));
        Assert.Equal([(ChatRole.System, "Be brief."), (ChatRole.User, "Hello")], withSystem.Messages.Select(m => (m.Role, m.Text)));
        Assert.Equal("prompt", Assert.Throws<ArgumentNullException>(() => new ModelRequest((string)null!)).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => plain with { MaxToolRounds = 0 });
        Assert.Equal(1, (plain with { MaxToolRounds = 1 }).MaxToolRounds);
    }

    [Theory]
    [InlineData("a/b[2]", "b")]
    [InlineData("a/b", "b")]
    [InlineData("b[0]/c[1]", "c")]
    [InlineData("single", "single")]
    [InlineData("[3]", "")]
    public void LastSegment_IsTheLastNameWithoutItsIndex(string path, string expected)
    {
        Assert.Equal(expected, StepNames.LastSegment(path));
    }

    [Fact]
    public void StepNames_InvalidName_MessageNamesTheWorkflowWhenKnown()
    {
        var inWorkflow = Assert.Throws<WorkflowException>(() => StepNames.Validate("bad name", "orders"));
        var alone = Assert.Throws<WorkflowException>(() => StepNames.Checked("bad name"));

        Assert.StartsWith("The step name 'bad name' in workflow 'orders' is not valid.", inWorkflow.Message, StringComparison.Ordinal);
        Assert.Equal("orders", inWorkflow.WorkflowName);
        Assert.StartsWith("The step name 'bad name' is not valid.", alone.Message, StringComparison.Ordinal);
        Assert.Equal("ok_name", StepNames.Checked("ok_name"));
    }
}
