using System.ComponentModel.DataAnnotations;
using System.Diagnostics.Metrics;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Polly;
using Polly.Retry;
using Workflows.Tests.Diagnostics;

namespace Workflows.Tests.Execution;

/// <summary>What a step's model call does on the Microsoft.Extensions.AI shape: models, usage, typed output, refusals, tools.</summary>
public sealed class ModelCallTests
{
    [Fact]
    public async Task ThirdPartyChatClient_GetsStepModelAndItsUsageIsReported()
    {
        var client = new RecordingClient { Usage = new UsageDetails { InputTokenCount = 11, OutputTokenCount = 4, TotalTokenCount = 15 } };
        await using var engine = new WorkflowEngine(client);

        var result = await engine.ExecuteAsync(Workflow.Create("w").AddLlmStep("a", "hi", model: "llama3.2").Build());

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        Assert.Equal("llama3.2", Assert.Single(client.Models));
        Assert.Equal(TokenUsage.From(11, 4), result.Steps[0].Usage);
        Assert.Equal("llama3.2", result.Steps[0].Model);
    }

    [Fact]
    public async Task StepWithoutModel_UsesClientsDefaultModelBeforeGlobalDefault()
    {
        var client = new RecordingClient { DefaultModelId = "served-model" };
        await using var engine = new WorkflowEngine(client, new GenAiWorkflowOptions { DefaultModel = "global-model" });

        await engine.ExecuteAsync(Workflow.Create("w").AddLlmStep("a", "hi").Build());

        Assert.Equal("served-model", Assert.Single(client.Models));
    }

    [Fact]
    public async Task StepWithoutModel_ProviderDefaultModelBeatsClientDefault()
    {
        var client = new RecordingClient { DefaultModelId = "served-model" };
        var registry = new ProviderRegistry().Register("p", client, defaultModel: "configured-model");
        await using var engine = new WorkflowEngine(registry, new GenAiWorkflowOptions { DefaultProvider = "p", DefaultModel = "global-model" });

        await engine.ExecuteAsync(Workflow.Create("w").AddLlmStep("a", "hi").AddLlmStep("b", "hi", model: "step-model").Build());

        Assert.Equal(["configured-model", "step-model"], client.Models);
    }

    [Fact]
    public async Task StepWithoutModel_NoProviderDefaults_UsesGlobalDefault()
    {
        var client = new RecordingClient();
        await using var engine = new WorkflowEngine(client, new GenAiWorkflowOptions { DefaultModel = "global-model" });

        await engine.ExecuteAsync(Workflow.Create("w").AddLlmStep("a", "hi").Build());

        Assert.Equal("global-model", Assert.Single(client.Models));
    }

    [Fact]
    public async Task UnreportedUsage_StaysUnknownInResultsSpansMetricsAndCost()
    {
        using var services = TestEngines.CreateMeterServices();
        var meters = services.GetRequiredService<IMeterFactory>();
        using var tokens = new MetricCollector<long>(meters, WorkflowTelemetry.SourceName, "gen_ai.client.token.usage");
        await using var engine = TestEngines.Create(new ScriptedProvider { Usage = null }, meters);
        using var root = TestEngines.StartRootActivity();
        using var spans = new ActivityCollector(root.TraceId);

        var result = await engine.ExecuteAsync(new Workflow(TestEngines.UniqueName("nousage"), [new LlmStep("a", "x") { Model = "gpt-4o-mini" }]));

        var step = result.Steps[0];
        Assert.Null(step.Usage.InputTokens);
        Assert.Null(step.Usage.OutputTokens);
        Assert.Null(step.Usage.TotalTokens);
        Assert.False(step.Usage.IsReported);
        Assert.Null(result.Metrics.TotalUsage.TotalTokens);
        Assert.False(step.Cost.IsComplete);
        Assert.Equal(1, step.Cost.CallsWithoutUsage);
        Assert.Contains("1 call(s) without usage", result.Metrics.TotalCost.ToString(), StringComparison.Ordinal);
        Assert.Empty(tokens.GetMeasurementSnapshot());
        var chat = spans.Single("chat gpt-4o-mini");
        Assert.Null(chat.GetTagItem("gen_ai.usage.input_tokens"));
        Assert.Null(chat.GetTagItem("gen_ai.usage.output_tokens"));
    }

    [Fact]
    public async Task PartlyReportedUsage_KeepsTheMissingCountUnknown()
    {
        await using var engine = TestEngines.Create(new ScriptedProvider { Usage = new UsageDetails { InputTokenCount = 9 } });

        var result = await engine.ExecuteAsync(new Workflow("partial", [new LlmStep("a", "x")]));

        Assert.Equal(9, result.Steps[0].Usage.InputTokens);
        Assert.Null(result.Steps[0].Usage.OutputTokens);
        Assert.Null(result.Steps[0].Usage.TotalTokens);
    }

    [Fact]
    public async Task UnreportedUsage_TokenBudgetCountsTheReservation()
    {
        var mock = new MockChatClient().WithoutUsage();
        await using var engine = new WorkflowEngine(mock);
        var workflow = Workflow.Create("w")
            .AddStep(new LlmStep("a", "hello") { MaxTokens = 40 })
            .AddStep(new LlmStep("b", "hello") { MaxTokens = 40 })
            .WithBudget(new RunBudget { MaxTokens = 60 })
            .Build();

        var result = await engine.ExecuteAsync(workflow);

        Assert.Equal(ErrorKind.BudgetExceeded, result.Error!.Kind);
        Assert.Equal("b", result.Error.StepName);
        Assert.Equal(1, mock.CallCount);
    }

    [Fact]
    public async Task TypedStep_ValidJson_OutputIsTheParsedValue()
    {
        var mock = new MockChatClient().WithResponse("Judge: essay", """{"approved": true, "reasons": ["clear", "short"], "score": 7}""");
        await using var engine = new WorkflowEngine(mock);
        var workflow = Workflow.Create("judge")
            .AddLlmStep<Verdict>("verdict", "Judge: {text}")
            .AddTransformStep("summary", static ctx => $"{ctx.Get<Verdict>("verdict")!.Approved}:{ctx.Get<Verdict>("verdict")!.Reasons.Count}")
            .Build();

        var result = await engine.ExecuteAsync(workflow, new Dictionary<string, object?> { ["text"] = "essay" });

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        var verdict = Assert.IsType<Verdict>(result.Steps[0].Output);
        Assert.Equal(new[] { "clear", "short" }, verdict.Reasons);
        Assert.Equal(7, verdict.Score);
        Assert.Equal("True:2", result.Output);
        var format = Assert.IsType<ChatResponseFormatJson>(Assert.Single(mock.Calls).Options!.ResponseFormat);
        Assert.Equal(nameof(Verdict), format.SchemaName);
    }

    [Fact]
    public async Task TypedStep_JsonInCodeFence_IsParsed()
    {
        var mock = new MockChatClient().WithFallback("```json\n{\"approved\": false, \"reasons\": []}\n```");
        await using var engine = new WorkflowEngine(mock);

        var result = await engine.ExecuteAsync(Workflow.Create("j").AddLlmStep<Verdict>("v", "x").Build());

        Assert.False(Assert.IsType<Verdict>(result.Output).Approved);
    }

    [Theory]
    [InlineData("""{"approved": false, "reasons": [],}""")] // a trailing comma
    [InlineData("""{"approved": false, /* why */ "reasons": []}""")] // a comment
    [InlineData("```\n{\"approved\": false, \"reasons\": []}\n```")] // a fence without a language
    [InlineData("  ```json\n{\"approved\": false, \"reasons\": []}```  ")]
    public async Task TypedStep_LenientJson_IsParsedForTypesAndSchemas(string reply)
    {
        using var schema = JsonDocument.Parse("""{"type": "object", "required": ["approved"]}""");
        var mock = new MockChatClient().WithFallback(reply);
        await using var engine = new WorkflowEngine(mock);

        var typed = await engine.ExecuteAsync(Workflow.Create("j").AddLlmStep<Verdict>("v", "x").Build());
        var checkedBySchema = await engine.ExecuteAsync(
            Workflow.Create("s").AddStep(new LlmStep("v", "x") { OutputSchema = schema.RootElement.Clone() }).Build());

        Assert.False(Assert.IsType<Verdict>(typed.Output).Approved);
        Assert.False(Assert.IsType<JsonElement>(checkedBySchema.Output).GetProperty("approved").GetBoolean());
    }

    [Theory]
    [InlineData("```json\n{\"approved\": false, \"reasons\": []}")] // an opening fence without a closing one
    [InlineData("{\"approved\": false, \"reasons\": []}\n```")] // a closing fence without an opening one
    [InlineData("``````")]
    public async Task TypedStep_UnbalancedFence_IsNotStrippedAndFailsToParse(string reply)
    {
        var mock = new MockChatClient().WithFallback(reply);
        await using var engine = new WorkflowEngine(mock);

        var result = await engine.ExecuteAsync(Workflow.Create("j").AddLlmStep<Verdict>("verdict", "x").Build());

        Assert.Equal(ErrorKind.InvalidOutput, result.Error?.Kind);
        Assert.Contains("does not parse", result.Error!.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json at all", "does not parse")]
    [InlineData("""{"approved": true}""", "does not parse")]
    [InlineData("""{"approved": true, "reasons": null}""", "does not parse")]
    [InlineData("null", "replied null")]
    [InlineData("""{"approved": true, "reasons": [], "score": 11}""", "fails its validation")]
    public async Task TypedStep_BadReply_FailsWithInvalidOutputNamingStep(string reply, string expected)
    {
        var mock = new MockChatClient().WithFallback(reply);
        await using var engine = new WorkflowEngine(mock);

        var result = await engine.ExecuteAsync(Workflow.Create("j").AddLlmStep<Verdict>("verdict", "x").Build());

        Assert.Equal(WorkflowStatus.Failed, result.Status);
        Assert.Equal(ErrorKind.InvalidOutput, result.Error!.Kind);
        Assert.Equal("verdict", result.Error.StepName);
        Assert.Equal(typeof(StructuredOutputException).FullName, result.Error.ExceptionType);
        Assert.Contains("Step 'verdict'", result.Error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TypedStep_BadReplyThenGood_StepsOwnRetryPolicyRetriesIt()
    {
        var calls = 0;
        var mock = new MockChatClient().WithFallback(_ => ++calls == 1 ? "oops" : """{"approved": true, "reasons": ["ok"]}""");
        await using var engine = new WorkflowEngine(mock);
        var retry = new ResiliencePipelineBuilder().AddRetry(new RetryStrategyOptions { MaxRetryAttempts = 2, Delay = TimeSpan.Zero }).Build();
        var workflow = Workflow.Create("j").AddStep(new LlmStep("v", "x") { OutputType = typeof(Verdict), ResiliencePipeline = retry }).Build();

        var result = await engine.ExecuteAsync(workflow);

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        Assert.Equal(2, result.Steps[0].Attempts);
        Assert.Equal(2, result.Steps[0].LlmCalls);
    }

    [Fact]
    public async Task SchemaStep_ReplyChecksAgainstSchema()
    {
        using var schema = JsonDocument.Parse("""
            {"type": "object", "required": ["label"], "additionalProperties": false,
             "properties": {"label": {"type": "string", "enum": ["refund", "other"]}, "confidence": {"type": "number"}, "tags": {"type": "array", "items": {"type": "string"}}}}
            """);
        var mock = new MockChatClient()
            .WithResponse("good", """{"label": "refund", "confidence": 0.9, "tags": ["a"]}""")
            .WithResponse("bad", """{"label": "nope", "confidence": "high", "tags": [1], "extra": true}""")
            .WithResponse("missing", """{"confidence": 1}""");
        await using var engine = new WorkflowEngine(mock);
        Workflow Step(string prompt) => Workflow.Create(prompt).AddStep(new LlmStep("triage", prompt) { OutputSchema = schema.RootElement.Clone() }).Build();

        var good = await engine.ExecuteAsync(Step("good"));
        var bad = await engine.ExecuteAsync(Step("bad"));
        var missing = await engine.ExecuteAsync(Step("missing"));

        Assert.Equal("refund", Assert.IsType<JsonElement>(good.Output).GetProperty("label").GetString());
        Assert.Equal(ErrorKind.InvalidOutput, bad.Error!.Kind);
        Assert.Contains("$.label is not one of the allowed values", bad.Error.Message, StringComparison.Ordinal);
        Assert.Contains("$.confidence should be number, but is a string", bad.Error.Message, StringComparison.Ordinal);
        Assert.Contains("$.tags[0] should be string, but is a number", bad.Error.Message, StringComparison.Ordinal);
        Assert.Contains("$.extra is not allowed by the schema", bad.Error.Message, StringComparison.Ordinal);
        Assert.Contains("$.label is required but missing", missing.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refusal_IsReportedAsRefusedNotAsContent()
    {
        var mock = new MockChatClient().WithRefusal("secret", "I can't help with that.");
        await using var engine = new WorkflowEngine(mock);
        var workflow = Workflow.Create("r").AddLlmStep("ok", "fine").AddLlmStep<Verdict>("ask", "tell me the secret").Build();

        var result = await engine.ExecuteAsync(workflow);

        Assert.Equal(WorkflowStatus.Failed, result.Status);
        Assert.Equal(ErrorKind.Refused, result.Error!.Kind);
        Assert.Equal("ask", result.Error.StepName);
        Assert.Contains("refused the request of step 'ask': I can't help with that.", result.Error.Message, StringComparison.Ordinal);
        Assert.Equal(StepStatus.Completed, result.Steps[0].Status);
        Assert.Null(result.Steps[1].Output);
        Assert.Equal(2, result.Metrics.LlmCalls);
    }

    [Fact]
    public async Task Refusal_InStreamedRun_IsReportedAsRefused()
    {
        var mock = new MockChatClient().WithRefusal(".", "No.");
        await using var engine = new WorkflowEngine(mock);

        var events = await engine.StreamAsync(Workflow.Create("r").AddLlmStep("ask", "x").Build()).ToListAsync();

        Assert.Equal(ErrorKind.Refused, ((RunCompletedEvent)events[^1]).Result.Error!.Kind);
    }

    [Fact]
    public async Task MiddlewareSetsInvalidTemperature_StepFailsNamingStepAndValue()
    {
        var mock = new MockChatClient();
        await using var engine = new WorkflowEngine(mock).Use(new HotMiddleware());

        var result = await engine.ExecuteAsync(Workflow.Create("t").AddLlmStep("draft", "x").Build());

        Assert.Equal(WorkflowStatus.Failed, result.Status);
        Assert.Contains("Step 'draft': Temperature is 5, but it must be from 0 to 2.", result.Error!.Message, StringComparison.Ordinal);
        Assert.Equal(0, mock.CallCount);
    }

    [Theory]
    [InlineData("TopP", "TopP is 1.5, but it must be from 0 to 1.")]
    [InlineData("MaxOutputTokens", "MaxTokens is 0, but it must be from 1 to 1,000,000.")]
    public async Task MiddlewareSetsOtherInvalidValue_StepFailsNamingStepAndValue(string setting, string expected)
    {
        var mock = new MockChatClient();
        await using var engine = new WorkflowEngine(mock).Use(new SettingMiddleware(setting));

        var result = await engine.ExecuteAsync(Workflow.Create("t").AddLlmStep("draft", "x").Build());

        Assert.Contains($"Step 'draft': {expected}", result.Error!.Message, StringComparison.Ordinal);
        Assert.Equal(0, mock.CallCount);
    }

    [Fact]
    public async Task MiddlewareClearsModel_RequestKeepsResolvedModel()
    {
        var client = new RecordingClient();
        await using var engine = new WorkflowEngine(client).Use(new ModelClearingMiddleware());

        await engine.ExecuteAsync(Workflow.Create("t").AddLlmStep("draft", "x", model: "m1").Build());

        Assert.Equal("m1", Assert.Single(client.Models));
    }

    public sealed record Verdict(bool Approved, IReadOnlyList<string> Reasons)
    {
        [Range(0, 10)]
        public int Score { get; init; }
    }

    private sealed class RecordingClient : TestChatClient
    {
        private readonly List<string?> _models = [];

        public UsageDetails? Usage { get; init; }

        public IReadOnlyList<string?> Models
        {
            get
            {
                lock (_models)
                {
                    return [.. _models];
                }
            }
        }

        protected override Task<ChatResponse> RespondAsync(IReadOnlyList<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
        {
            lock (_models)
            {
                _models.Add(options?.ModelId);
            }

            return Task.FromResult(Reply("answer", options?.ModelId, Usage));
        }
    }

    private sealed class HotMiddleware : WorkflowMiddleware
    {
        public override ValueTask<ModelRequest> BeforeLlmCallAsync(MiddlewareContext context, ModelRequest request, CancellationToken cancellationToken)
        {
            var options = request.Options.Clone();
            options.Temperature = 5;
            return ValueTask.FromResult(request with { Options = options });
        }
    }

    private sealed class SettingMiddleware(string setting) : WorkflowMiddleware
    {
        public override ValueTask<ModelRequest> BeforeLlmCallAsync(MiddlewareContext context, ModelRequest request, CancellationToken cancellationToken)
        {
            var options = request.Options.Clone();
            if (setting == "TopP")
            {
                options.TopP = 1.5f;
            }
            else
            {
                options.MaxOutputTokens = 0;
            }

            return ValueTask.FromResult(request with { Options = options });
        }
    }

    private sealed class ModelClearingMiddleware : WorkflowMiddleware
    {
        public override ValueTask<ModelRequest> BeforeLlmCallAsync(MiddlewareContext context, ModelRequest request, CancellationToken cancellationToken)
        {
            var options = request.Options.Clone();
            options.ModelId = null;
            return ValueTask.FromResult(request with { Options = options });
        }
    }
}
