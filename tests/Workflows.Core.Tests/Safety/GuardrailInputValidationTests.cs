using Microsoft.Extensions.Logging.Testing;
using static Workflows.Tests.Safety.GuardrailTestSupport;

namespace Workflows.Tests.Safety;

public sealed class GuardrailInputValidationTests
{
    [Fact]
    public async Task OnWorkflowStart_NullInput_FailsNamingInputBeforeAnyModelCall()
    {
        var mock = new MockChatClient();
        await using var engine = Engine(mock, new InputValidationMiddleware());

        var result = await engine.ExecuteAsync(TwoModelSteps(), new Dictionary<string, object?> { ["text"] = null });

        Assert.Equal(WorkflowStatus.Failed, result.Status);
        Assert.Equal(ErrorKind.GuardrailBlocked, result.Error!.Kind);
        Assert.Contains("run input 'text' is null", result.Error.Message, StringComparison.Ordinal);
        Assert.Equal(0, mock.CallCount);
    }

    [Fact]
    public async Task OnWorkflowStart_InputOverMaximum_FailsNamingInputAndLimit()
    {
        var mock = new MockChatClient();
        await using var engine = Engine(mock, new InputValidationMiddleware(new InputValidationOptions { MaxInputLength = 10 }));

        var result = await engine.ExecuteAsync(TwoModelSteps(), Inputs(new string('x', 11)));

        Assert.Equal(ErrorKind.GuardrailBlocked, result.Error!.Kind);
        Assert.Contains("run input 'text' is 11 characters long, more than the 10 allowed", result.Error.Message, StringComparison.Ordinal);
        Assert.Contains("GenAiWorkflows:Safety:Inputs:MaxInputLength", result.Error.Message, StringComparison.Ordinal);
        Assert.Equal(0, mock.CallCount);
    }

    [Fact]
    public async Task OnWorkflowStart_InputAtMaximum_Runs()
    {
        var mock = new MockChatClient();
        await using var engine = Engine(mock, new InputValidationMiddleware(new InputValidationOptions { MaxInputLength = 10 }));

        var result = await engine.ExecuteAsync(TwoModelSteps(), Inputs(new string('x', 10)));

        Assert.Equal(WorkflowStatus.Completed, result.Status);
    }

    [Fact]
    public async Task OnWorkflowStart_RunInputsOverMaximumTogether_Fails()
    {
        await using var engine = Engine(
            new MockChatClient(), new InputValidationMiddleware(new InputValidationOptions { MaxInputLength = 10, MaxRunInputLength = 15 }));
        var workflow = Workflow.Create("two").AddLlmStep("only", "{a} {b}").Build();

        var result = await engine.ExecuteAsync(workflow, new Dictionary<string, object?> { ["a"] = new string('a', 8), ["b"] = new[] { "bbbb", "bbbb" } });

        Assert.Equal(ErrorKind.GuardrailBlocked, result.Error!.Kind);
        Assert.Contains("16 characters long together, more than the 15 allowed", result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnWorkflowStart_SeveralProblems_OneMessageListsEachInTurn()
    {
        var mock = new MockChatClient();
        await using var engine = Engine(mock, new InputValidationMiddleware(new InputValidationOptions { MaxInputLength = 10, MaxRunInputLength = 15 }));
        var workflow = Workflow.Create("three").AddLlmStep("only", "{a} {b} {c}").Build();

        var result = await engine.ExecuteAsync(
            workflow, new Dictionary<string, object?> { ["a"] = new string('a', 11), ["b"] = null, ["c"] = new string('c', 9) });

        Assert.Equal(ErrorKind.GuardrailBlocked, result.Error!.Kind);
        // The problems with single inputs come in the order the run holds them, each followed by "; "; the total comes last.
        const string tooLong = "run input 'a' is 11 characters long, more than the 10 allowed (GenAiWorkflows:Safety:Inputs:MaxInputLength)";
        const string isNull = "run input 'b' is null; pass a value or leave the input out";
        const string total = "the run's inputs are 20 characters long together, more than the 15 allowed (GenAiWorkflows:Safety:Inputs:MaxRunInputLength)";
        var prefix = $"Middleware {typeof(InputValidationMiddleware).FullName} aborted the run in OnWorkflowStartAsync: The run's inputs are not valid: ";
        var message = result.Error.Message;
        Assert.StartsWith(prefix, message, StringComparison.Ordinal);
        Assert.Contains(tooLong + "; ", message, StringComparison.Ordinal);
        Assert.Contains(isNull + "; ", message, StringComparison.Ordinal);
        Assert.EndsWith("; " + total + ".", message, StringComparison.Ordinal);
        Assert.Equal($"{prefix}{tooLong}; {isNull}; {total}.".Length, message.Length);
        Assert.Equal(0, mock.CallCount);
    }

    [Fact]
    public async Task OnWorkflowStart_RunInputsAtMaximumTogether_Runs()
    {
        await using var engine = Engine(
            new MockChatClient(), new InputValidationMiddleware(new InputValidationOptions { MaxInputLength = 10, MaxRunInputLength = 16 }));
        var workflow = Workflow.Create("two").AddLlmStep("only", "{a} {b}").Build();

        var result = await engine.ExecuteAsync(workflow, new Dictionary<string, object?> { ["a"] = new string('a', 8), ["b"] = new string('b', 8) });

        Assert.Equal(WorkflowStatus.Completed, result.Status);
    }

    [Fact]
    public async Task OnWorkflowStart_InputNoStepReads_LogsWarningAndRuns()
    {
        var logs = new FakeLogCollector();
        await using var engine = Engine(new MockChatClient(), logs, new InputValidationMiddleware());

        var result = await engine.ExecuteAsync(TwoModelSteps(), new Dictionary<string, object?> { ["text"] = "hi", ["tone"] = "dry", ["first"] = "x" });

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        var warning = Assert.Single(logs.GetSnapshot(), r => r.Id.Id == 1023);
        Assert.Contains("tone", warning.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("text", warning.Message.Split(':')[^1], StringComparison.Ordinal);
        Assert.DoesNotContain("dry", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnWorkflowStart_WorkflowHasTransformStep_NoUnusedWarning()
    {
        var logs = new FakeLogCollector();
        await using var engine = Engine(new MockChatClient(), logs, new InputValidationMiddleware());
        var workflow = Workflow.Create("mixed").AddLlmStep("ask", "{text}").AddTransformStep("t", ctx => ctx.Get<string>("tone")).Build();

        await engine.ExecuteAsync(workflow, new Dictionary<string, object?> { ["text"] = "hi", ["tone"] = "dry" });

        Assert.DoesNotContain(logs.GetSnapshot(), r => r.Id.Id == 1023);
    }

    [Fact]
    public async Task OnWorkflowStart_DottedVariableReadsInput_NoUnusedWarning()
    {
        var logs = new FakeLogCollector();
        await using var engine = Engine(new MockChatClient(), logs, new InputValidationMiddleware());
        var workflow = Workflow.Create("dotted").AddLlmStep("ask", "Hello {user.name}").Build();

        await engine.ExecuteAsync(workflow, new Dictionary<string, object?> { ["user"] = new Dictionary<string, object?> { ["name"] = "Ada" } });

        Assert.DoesNotContain(logs.GetSnapshot(), r => r.Id.Id == 1023);
    }

    [Fact]
    public void Constructor_NonPositiveMaximum_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new InputValidationMiddleware(new InputValidationOptions { MaxInputLength = 0 }));
}
