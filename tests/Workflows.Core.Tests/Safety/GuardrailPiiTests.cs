using Microsoft.Extensions.AI;
using static Workflows.Tests.Safety.GuardrailTestSupport;

namespace Workflows.Tests.Safety;

public sealed class GuardrailPiiTests
{
    [Fact]
    public async Task BeforeLlmCall_SsnCardAndEmailInInput_ModelSeesMasks()
    {
        var mock = new MockChatClient();
        await using var engine = Engine(mock, new PiiRedactionMiddleware());

        var result = await engine.ExecuteAsync(TwoModelSteps(), Inputs($"SSN {Ssn}, card {Card}, mail {Email}."));

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        Assert.Equal(2, mock.CallCount);
        Assert.Equal("Summarize: SSN [SSN], card [CREDIT_CARD], mail [EMAIL].", mock.Calls[0].Prompt);
        Assert.All(mock.Calls, call => Assert.DoesNotContain(Ssn, string.Concat(call.Messages.Select(static m => m.Text)), StringComparison.Ordinal));
    }

    [Fact]
    public async Task BeforeLlmCall_SystemMessageAndNonTextContent_KeepsRolesAndOtherContents()
    {
        var mock = new MockChatClient();
        var image = new DataContent(new byte[] { 1, 2, 3 }, "image/png");
        var middleware = new PiiRedactionMiddleware();
        await using var engine = Engine(mock, new AddImageMiddleware(image), middleware);
        var workflow = Workflow.Create("roles").AddLlmStep("only", "Hello {name}", systemPrompt: "Reply to {email}").Build();

        await engine.ExecuteAsync(workflow, new Dictionary<string, object?> { ["name"] = "Ada", ["email"] = Email });

        var sent = Assert.Single(mock.Calls).Messages;
        Assert.Equal(ChatRole.System, sent[0].Role);
        Assert.Equal("Reply to [EMAIL]", sent[0].Text);
        Assert.Equal(ChatRole.User, sent[1].Role);
        Assert.Same(image, sent[1].Contents.OfType<DataContent>().Single());
        Assert.Equal("Hello Ada", sent[1].Text);
    }

    [Fact]
    public async Task BeforeLlmCall_NoPersonalData_SendsRequestUnchanged()
    {
        var mock = new MockChatClient();
        await using var engine = Engine(mock, new PiiRedactionMiddleware());

        var result = await engine.ExecuteAsync(TwoModelSteps(), Inputs("The meeting is on Tuesday at 10."));

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        Assert.Equal("Summarize: The meeting is on Tuesday at 10.", mock.Calls[0].Prompt);
    }

    [Fact]
    public async Task BeforeLlmCall_BlockModeInSecondStep_FailsGuardrailBlockedKeepsFirstStepAndSendsNothingMore()
    {
        // The first step's answer carries the e-mail address into the second step's prompt.
        var mock = new MockChatClient().WithPatternResponse("^Summarize", $"Contact {Email}");
        await using var engine = Engine(mock, new PiiRedactionMiddleware(new PiiRedactionOptions { Action = PiiGuardAction.Block }));
        var workflow = Workflow.Create("block")
            .AddLlmStep("first", "Summarize the ticket {id}")
            .AddLlmStep("second", "Answer {first}")
            .AddLlmStep("third", "Close {second}")
            .Build();

        var result = await engine.ExecuteAsync(workflow, new Dictionary<string, object?> { ["id"] = "T-1" });

        Assert.Equal(WorkflowStatus.Failed, result.Status);
        Assert.Equal(ErrorKind.GuardrailBlocked, result.Error!.Kind);
        Assert.Equal("second", result.Error.StepName);
        Assert.Equal(typeof(PiiRedactionMiddleware).FullName, result.Error.PluginType);
        Assert.Contains("EMAIL", result.Error.Message, StringComparison.Ordinal);
        Assert.Contains("prompt of step 'second'", result.Error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Email, result.Error.Message, StringComparison.Ordinal);
        Assert.Equal(1, mock.CallCount);
        Assert.Equal(2, result.Steps.Count);
        Assert.Equal(StepStatus.Completed, result.Steps[0].Status);
        Assert.Equal(StepStatus.Failed, result.Steps[1].Status);
    }

    [Fact]
    public async Task BeforeLlmCall_BlockModeInFirstStep_NoModelCall()
    {
        var mock = new MockChatClient();
        await using var engine = Engine(mock, new PiiRedactionMiddleware(new PiiRedactionOptions { Action = PiiGuardAction.Block }));

        var result = await engine.ExecuteAsync(TwoModelSteps(), Inputs($"My SSN is {Ssn}"));

        Assert.Equal(ErrorKind.GuardrailBlocked, result.Error!.Kind);
        Assert.Equal(0, mock.CallCount);
        var blocked = Assert.IsType<GuardrailBlockedException>(result.Error.Exception!.InnerException);
        Assert.Equal("pii", blocked.Guardrail);
        Assert.Equal(["SSN"], blocked.FindingTypes);
    }

    [Fact]
    public async Task BeforeLlmCall_BlockInNonCriticalStep_RunStillFails()
    {
        var mock = new MockChatClient();
        await using var engine = Engine(mock, new PiiRedactionMiddleware(new PiiRedactionOptions { Action = PiiGuardAction.Block }));
        var workflow = Workflow.Create("optional")
            .AddLlmStep("first", "Note {text}", isCritical: false)
            .AddLlmStep("second", "Then something else")
            .Build();

        var result = await engine.ExecuteAsync(workflow, Inputs(Email));

        Assert.Equal(WorkflowStatus.Failed, result.Status);
        Assert.Equal(ErrorKind.GuardrailBlocked, result.Error!.Kind);
        Assert.Single(result.Steps);
        Assert.Equal(0, mock.CallCount);
    }

    [Fact]
    public async Task AfterLlmCall_ScanOutputRedact_StepOutputMasked()
    {
        var mock = new MockChatClient().WithFallback($"Call me at {Email}");
        await using var engine = Engine(mock, new PiiRedactionMiddleware(new PiiRedactionOptions { ScanOutput = true }));
        var workflow = Workflow.Create("out").AddLlmStep("only", "Who are you?").Build();

        var result = await engine.ExecuteAsync(workflow);

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        Assert.Equal("Call me at [EMAIL]", result.Output);
    }

    [Fact]
    public async Task AfterLlmCall_ScanOutputBlock_FailsAndLaterStepsNotCalled()
    {
        var mock = new MockChatClient().WithFallback($"The card is {Card}");
        await using var engine = Engine(
            mock, new PiiRedactionMiddleware(new PiiRedactionOptions { ScanOutput = true, Action = PiiGuardAction.Block }));

        var result = await engine.ExecuteAsync(TwoModelSteps(), Inputs("hello"));

        Assert.Equal(WorkflowStatus.Failed, result.Status);
        Assert.Equal(ErrorKind.GuardrailBlocked, result.Error!.Kind);
        Assert.Equal("first", result.Error.StepName);
        Assert.Contains("output of step 'first'", result.Error.Message, StringComparison.Ordinal);
        Assert.Equal(1, mock.CallCount);
        Assert.Single(result.Steps);
    }

    [Fact]
    public async Task AfterLlmCall_ScanOutputOff_OutputUnchanged()
    {
        var mock = new MockChatClient().WithFallback($"Call me at {Email}");
        await using var engine = Engine(mock, new PiiRedactionMiddleware());

        var result = await engine.ExecuteAsync(Workflow.Create("off").AddLlmStep("only", "Who?").Build());

        Assert.Equal($"Call me at {Email}", result.Output);
    }

    [Fact]
    public async Task BeforeLlmCall_DisabledRecognizer_LeavesThatTypeAlone()
    {
        var mock = new MockChatClient();
        var options = new PiiRedactionOptions();
        options.DisabledRecognizers.Add("email");
        await using var engine = Engine(mock, new PiiRedactionMiddleware(options));

        await engine.ExecuteAsync(TwoModelSteps(), Inputs($"{Email} {Ssn}"));

        Assert.Equal($"Summarize: {Email} [SSN]", mock.Calls[0].Prompt);
    }

    [Fact]
    public async Task BeforeLlmCall_ToolResultHoldsEmail_ModelSeesMaskInSecondRound()
    {
        var mock = new MockChatClient()
            .WithToolCall("customer", "lookup")
            .WithFallback(static messages => $"Result: {messages.SelectMany(static m => m.Contents).OfType<FunctionResultContent>().LastOrDefault()?.Result}");
        var tool = AIFunctionFactory.Create(() => $"The customer is {Email}", "lookup");
        await using var engine = Engine(mock, new PiiRedactionMiddleware());
        var workflow = new Workflow("tools", [new LlmStep("answer", "Find the customer") { Tools = [tool] }]);

        var result = await engine.ExecuteAsync(workflow);

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        Assert.Equal(2, mock.CallCount);
        var fed = mock.Calls[1].Messages.SelectMany(static m => m.Contents).OfType<FunctionResultContent>().Single();
        Assert.Contains("[EMAIL]", fed.Result?.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Email, result.Output?.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BeforeLlmCall_StreamedRun_ModelSeesMasks()
    {
        var mock = new MockChatClient();
        await using var engine = Engine(mock, new PiiRedactionMiddleware());

        await foreach (var _ in engine.StreamAsync(TwoModelSteps(), Inputs($"SSN {Ssn}")))
        {
        }

        Assert.All(mock.Calls, static call => Assert.True(call.Streamed));
        Assert.Equal("Summarize: SSN [SSN]", mock.Calls[0].Prompt);
    }

    [Fact]
    public void Constructor_UndefinedAction_ThrowsNamingTheActionAndTheChoices()
    {
        var ex = Assert.Throws<ArgumentException>(() => new PiiRedactionMiddleware(new PiiRedactionOptions { Action = (PiiGuardAction)42 }));

        Assert.Equal("options", ex.ParamName);
        Assert.StartsWith($"PII action '42' is not defined; use {string.Join(" or ", Enum.GetNames<PiiGuardAction>())}.", ex.Message, StringComparison.Ordinal);
        Assert.True(new PiiRedactionMiddleware().IsCritical);
    }

    [Fact]
    public void Constructor_UnknownRecognizer_Throws()
    {
        var options = new PiiRedactionOptions();
        options.DisabledRecognizers.Add("passport");

        Assert.Throws<ArgumentException>(() => new PiiRedactionMiddleware(options));
    }

    [Fact]
    public async Task BeforeLlmCall_JsonToolResults_MasksStayInsideJsonAndCleanResultsAreKept()
    {
        var mock = new MockChatClient();
        var json = JsonElementOf($$$"""{"customer":{"email":"{{{Email}}}","tier":"gold"}}""");
        var list = JsonElementOf($$"""["first", "{{Email}}"]""");
        var count = JsonElementOf("42");
        var clean = new FunctionResultContent("c2", "no personal data here");
        var number = new FunctionResultContent("c4", count);
        await using var engine = Engine(
            mock,
            new AddToolResultsMiddleware([new FunctionResultContent("c1", json), clean, new FunctionResultContent("c3", list), number]),
            new PiiRedactionMiddleware());
        var workflow = Workflow.Create("tool-json").AddLlmStep("only", "Hello").Build();

        var result = await engine.ExecuteAsync(workflow);

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        var sent = Assert.Single(mock.Calls).Messages[^1].Contents;
        Assert.Equal(["c1", "c2", "c3", "c4"], sent.OfType<FunctionResultContent>().Select(static r => r.CallId));
        var customer = Assert.IsType<System.Text.Json.JsonElement>(((FunctionResultContent)sent[0]).Result);
        Assert.Equal("[EMAIL]", customer.GetProperty("customer").GetProperty("email").GetString());
        Assert.Equal("gold", customer.GetProperty("customer").GetProperty("tier").GetString());
        Assert.Same(clean, sent[1]);
        var items = Assert.IsType<System.Text.Json.JsonElement>(((FunctionResultContent)sent[2]).Result);
        Assert.Equal(["first", "[EMAIL]"], items.EnumerateArray().Select(static e => e.GetString()));
        Assert.Same(number, sent[3]);
    }

    private static System.Text.Json.JsonElement JsonElementOf(string json)
    {
        using var document = System.Text.Json.JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    private sealed class AddToolResultsMiddleware(IList<AIContent> results) : WorkflowMiddleware
    {
        public override ValueTask<ModelRequest> BeforeLlmCallAsync(MiddlewareContext context, ModelRequest request, CancellationToken cancellationToken) =>
            ValueTask.FromResult(request with { Messages = [.. request.Messages, new ChatMessage(ChatRole.Tool, results)] });
    }

    private sealed class AddImageMiddleware(DataContent image) : WorkflowMiddleware
    {
        public override ValueTask<ModelRequest> BeforeLlmCallAsync(MiddlewareContext context, ModelRequest request, CancellationToken cancellationToken)
        {
            var messages = request.Messages.ToList();
            var last = messages[^1];
            messages[^1] = new ChatMessage(last.Role, [.. last.Contents, image]);
            return ValueTask.FromResult(request with { Messages = messages });
        }
    }
}
