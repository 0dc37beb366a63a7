using Microsoft.Extensions.AI;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Workflows.Tests.Diagnostics;

public sealed class WorkflowInstrumentationTests
{
    private static readonly Uri Endpoint = new("https://llm.example.test:8443/v1");

    [Fact]
    public async Task ExecuteAsync_TwoStepRun_ParentsRunStepAndChatSpans()
    {
        using var root = TestEngines.StartRootActivity();
        using var spans = new ActivityCollector(root.TraceId);
        await using var engine = TestEngines.Create(new ScriptedProvider());
        var name = TestEngines.UniqueName("spans");
        var workflow = Workflow.Create(name)
            .AddLlmStep("draft", "Write about {topic}")
            .AddTransformStep("shape", ctx => ctx.Get<string>("draft"))
            .Build();

        var result = await engine.ExecuteAsync(workflow, new Dictionary<string, object?> { ["topic"] = "otters" });

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        var run = spans.Single($"invoke_workflow {name}");
        var draft = spans.Single("step draft");
        var shape = spans.Single("step shape");
        var chat = spans.Single("chat gpt-4o-mini");
        Assert.Equal(4, spans.Stopped.Count);
        Assert.Equal(ActivityKind.Internal, run.Kind);
        Assert.Equal(ActivityKind.Internal, draft.Kind);
        Assert.Equal(ActivityKind.Client, chat.Kind);
        Assert.Equal(root.SpanId, run.ParentSpanId);
        Assert.Equal(run.SpanId, draft.ParentSpanId);
        Assert.Equal(run.SpanId, shape.ParentSpanId);
        Assert.Equal(draft.SpanId, chat.ParentSpanId);
        Assert.All(spans.Stopped, span => Assert.Equal(result.CorrelationId, span.GetTagItem("workflows.correlation_id")));
    }

    [Fact]
    public async Task ExecuteAsync_CompletedRun_RunSpanCarriesWorkflowAttributesAndFinalStatus()
    {
        using var root = TestEngines.StartRootActivity();
        using var spans = new ActivityCollector(root.TraceId);
        await using var engine = TestEngines.Create(new ScriptedProvider());
        var name = TestEngines.UniqueName("run-span");

        var result = await engine.ExecuteAsync(Workflow.Create(name).AddLlmStep("only", "Hi").Build());

        var run = spans.Single($"invoke_workflow {name}");
        Assert.Equal("invoke_workflow", run.GetTagItem("gen_ai.operation.name"));
        Assert.Equal(name, run.GetTagItem("gen_ai.workflow.name"));
        Assert.Equal(result.WorkflowId, run.GetTagItem("workflows.workflow.id"));
        Assert.Equal("completed", run.GetTagItem("workflows.run.status"));
        Assert.Null(run.GetTagItem("error.type"));
        Assert.Equal(ActivityStatusCode.Unset, run.Status);
        var step = spans.Single("step only");
        Assert.Equal("only", step.GetTagItem("workflows.step.name"));
        Assert.Equal("llm", step.GetTagItem("workflows.step.type"));
        Assert.Equal("completed", step.GetTagItem("workflows.step.status"));
    }

    [Fact]
    public async Task ExecuteAsync_ModelCall_ChatSpanCarriesGenAiAttributes()
    {
        using var root = TestEngines.StartRootActivity();
        using var spans = new ActivityCollector(root.TraceId);
        var provider = new ScriptedProvider
        {
            ProviderUri = Endpoint,
            ResponseModel = "gpt-4o-mini-2024-07-18",
            Usage = new() { InputTokenCount = 40, OutputTokenCount = 9, TotalTokenCount = 49, CachedInputTokenCount = 32, ReasoningTokenCount = 3 },
        };
        await using var engine = TestEngines.Create(provider);
        var workflow = new Workflow(
            TestEngines.UniqueName("chat-span"),
            [new LlmStep("ask", "Hello") { Model = "gpt-4o-mini", Temperature = 0.25, MaxTokens = 64 }]);

        await engine.ExecuteAsync(workflow);

        var chat = spans.Single("chat gpt-4o-mini");
        Assert.Equal("chat", chat.GetTagItem("gen_ai.operation.name"));
        Assert.Equal("openai", chat.GetTagItem("gen_ai.provider.name"));
        Assert.Equal("gpt-4o-mini", chat.GetTagItem("gen_ai.request.model"));
        Assert.Equal(0.25, chat.GetTagItem("gen_ai.request.temperature"));
        Assert.Equal(64, chat.GetTagItem("gen_ai.request.max_tokens"));
        Assert.Equal("gpt-4o-mini-2024-07-18", chat.GetTagItem("gen_ai.response.model"));
        Assert.Equal("resp-123", chat.GetTagItem("gen_ai.response.id"));
        Assert.Equal(["stop"], Assert.IsType<string[]>(chat.GetTagItem("gen_ai.response.finish_reasons")));
        Assert.Equal(40L, chat.GetTagItem("gen_ai.usage.input_tokens"));
        Assert.Equal(9L, chat.GetTagItem("gen_ai.usage.output_tokens"));
        Assert.Equal(32L, chat.GetTagItem("gen_ai.usage.cache_read.input_tokens"));
        Assert.Equal(3L, chat.GetTagItem("gen_ai.usage.reasoning.output_tokens"));
        Assert.Equal("llm.example.test", chat.GetTagItem("server.address"));
        Assert.Equal(8443, chat.GetTagItem("server.port"));
        Assert.Equal(TestEngines.ProviderName, chat.GetTagItem("workflows.provider"));
        Assert.Equal(ActivityStatusCode.Unset, chat.Status);
    }

    [Fact]
    public async Task ExecuteAsync_ModelCallFails_SetsErrorTypeAndErrorStatusOnEverySpan()
    {
        using var root = TestEngines.StartRootActivity();
        using var spans = new ActivityCollector(root.TraceId);
        using var services = TestEngines.CreateMeterServices();
        var meters = services.GetRequiredService<IMeterFactory>();
        using var durations = new MetricCollector<double>(meters, WorkflowTelemetry.SourceName, "gen_ai.client.operation.duration");
        using var tokens = new MetricCollector<long>(meters, WorkflowTelemetry.SourceName, "gen_ai.client.token.usage");
        using var runs = new MetricCollector<long>(meters, WorkflowTelemetry.SourceName, "workflows.runs");
        using var workflowDurations = new MetricCollector<double>(meters, WorkflowTelemetry.SourceName, "gen_ai.workflow.duration");
        var provider = new ScriptedProvider { Failure = new ProviderException("The server said no.", "default") };
        await using var engine = TestEngines.Create(provider, meters);
        var name = TestEngines.UniqueName("failing");

        var result = await engine.ExecuteAsync(Workflow.Create(name).AddLlmStep("ask", "Hello").Build());

        Assert.Equal(WorkflowStatus.Failed, result.Status);
        const string ErrorType = "Workflows.ProviderException";
        foreach (var span in new[] { spans.Single("chat gpt-4o-mini"), spans.Single("step ask"), spans.Single($"invoke_workflow {name}") })
        {
            Assert.Equal(ErrorType, span.GetTagItem("error.type"));
            Assert.Equal(ActivityStatusCode.Error, span.Status);
        }

        Assert.Equal("failed", spans.Single($"invoke_workflow {name}").GetTagItem("workflows.run.status"));
        Assert.Equal("failed", spans.Single("step ask").GetTagItem("workflows.step.status"));
        var duration = Assert.Single(durations.GetMeasurementSnapshot());
        Assert.Equal(ErrorType, duration.Tags["error.type"]);
        Assert.Empty(tokens.GetMeasurementSnapshot());
        var run = Assert.Single(runs.GetMeasurementSnapshot());
        Assert.Equal("failed", run.Tags["workflows.run.status"]);
        Assert.Equal(ErrorType, Assert.Single(workflowDurations.GetMeasurementSnapshot()).Tags["error.type"]);
    }

    [Fact]
    public async Task ExecuteAsync_ByDefault_DoesNotCaptureMessageContent()
    {
        Assert.False(
            WorkflowInstrumentation.ShouldCaptureMessageContent(option: false),
            $"{WorkflowTelemetry.CaptureMessageContentEnvironmentVariable} is set in this environment; unset it to run this test.");
        using var root = TestEngines.StartRootActivity();
        using var spans = new ActivityCollector(root.TraceId);
        await using var engine = TestEngines.Create(new ScriptedProvider { Content = "secret answer" });

        await engine.ExecuteAsync(Workflow.Create(TestEngines.UniqueName("no-content")).AddLlmStep("ask", "private prompt").Build());

        var chat = spans.Single("chat gpt-4o-mini");
        Assert.Null(chat.GetTagItem("gen_ai.input.messages"));
        Assert.Null(chat.GetTagItem("gen_ai.output.messages"));
        Assert.All(spans.Stopped, span => Assert.DoesNotContain(
            span.TagObjects, tag => tag.Value?.ToString()?.Contains("private prompt", StringComparison.Ordinal) == true));
    }

    [Fact]
    public async Task ExecuteAsync_CaptureMessageContentEnabled_RecordsInputAndOutputMessages()
    {
        using var root = TestEngines.StartRootActivity();
        using var spans = new ActivityCollector(root.TraceId);
        var options = new GenAiWorkflowOptions { CaptureMessageContent = true };
        await using var engine = TestEngines.Create(new ScriptedProvider { Content = "the answer" }, options: options);

        await engine.ExecuteAsync(Workflow.Create(TestEngines.UniqueName("content")).AddLlmStep("ask", "the prompt", "be brief").Build());

        var chat = spans.Single("chat gpt-4o-mini");
        using var input = JsonDocument.Parse(Assert.IsType<string>(chat.GetTagItem("gen_ai.input.messages")));
        Assert.Collection(
            input.RootElement.EnumerateArray(),
            system =>
            {
                Assert.Equal("system", system.GetProperty("role").GetString());
                Assert.Equal("be brief", system.GetProperty("parts")[0].GetProperty("content").GetString());
            },
            user =>
            {
                Assert.Equal("user", user.GetProperty("role").GetString());
                Assert.Equal("text", user.GetProperty("parts")[0].GetProperty("type").GetString());
                Assert.Equal("the prompt", user.GetProperty("parts")[0].GetProperty("content").GetString());
            });
        using var output = JsonDocument.Parse(Assert.IsType<string>(chat.GetTagItem("gen_ai.output.messages")));
        var message = Assert.Single(output.RootElement.EnumerateArray().ToList());
        Assert.Equal("assistant", message.GetProperty("role").GetString());
        Assert.Equal("the answer", message.GetProperty("parts")[0].GetProperty("content").GetString());
        Assert.Equal("stop", message.GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task ExecuteAsync_StepWithTopPAndTypedOutput_ChatSpanNamesTopPAndJsonOutput()
    {
        using var root = TestEngines.StartRootActivity();
        using var spans = new ActivityCollector(root.TraceId);
        await using var engine = TestEngines.Create(new ScriptedProvider { Content = """{"Title":"Otters"}""" });
        var workflow = new Workflow(
            TestEngines.UniqueName("typed-span"),
            [new LlmStep("ask", "Hello") { Model = "gpt-4o-mini", TopP = 0.5, OutputType = typeof(Headline) }]);

        var result = await engine.ExecuteAsync(workflow);

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        var chat = spans.Single("chat gpt-4o-mini");
        Assert.Equal(0.5, chat.GetTagItem("gen_ai.request.top_p"));
        Assert.Equal("json", chat.GetTagItem("gen_ai.output.type"));
        Assert.Null(chat.GetTagItem("gen_ai.request.stream"));
    }

    [Fact]
    public async Task ExecuteAsync_CaptureMessageContentWithToolCall_RecordsTheCallAndItsResponse()
    {
        using var root = TestEngines.StartRootActivity();
        using var spans = new ActivityCollector(root.TraceId);
        var mock = new MockChatClient().WithToolCall("weather", "get_weather", new Dictionary<string, object?> { ["city"] = "Oslo" }).WithFallback("done");
        var tool = AIFunctionFactory.Create((string city) => $"Sunny in {city}", "get_weather");
        await using var engine = TestEngines.Create(mock, options: new GenAiWorkflowOptions { CaptureMessageContent = true });
        var workflow = new Workflow(TestEngines.UniqueName("tool-content"), [new LlmStep("ask", "What is the weather?") { Tools = [tool] }]);

        var result = await engine.ExecuteAsync(workflow);

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        var second = spans.Stopped.Where(static s => Equals(s.GetTagItem("gen_ai.operation.name"), "chat")).Last();
        using var input = JsonDocument.Parse(Assert.IsType<string>(second.GetTagItem("gen_ai.input.messages")));
        var parts = input.RootElement.EnumerateArray().SelectMany(static m => m.GetProperty("parts").EnumerateArray()).ToList();
        var call = Assert.Single(parts, static p => p.GetProperty("type").GetString() == "tool_call");
        Assert.Equal("get_weather", call.GetProperty("name").GetString());
        Assert.Equal("Oslo", call.GetProperty("arguments").GetProperty("city").GetString());
        var response = Assert.Single(parts, static p => p.GetProperty("type").GetString() == "tool_call_response");
        Assert.Equal(call.GetProperty("id").GetString(), response.GetProperty("id").GetString());
        Assert.Contains("Sunny in Oslo", response.GetProperty("response").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_TwoModelCalls_RecordsExactlyOneTokenMeasurementPerTypePerCall()
    {
        using var services = TestEngines.CreateMeterServices();
        var meters = services.GetRequiredService<IMeterFactory>();
        using var tokens = new MetricCollector<long>(meters, WorkflowTelemetry.SourceName, "gen_ai.client.token.usage");
        using var durations = new MetricCollector<double>(meters, WorkflowTelemetry.SourceName, "gen_ai.client.operation.duration");
        var provider = new ScriptedProvider { ProviderUri = Endpoint, Usage = new UsageDetails { InputTokenCount = 120, OutputTokenCount = 30, TotalTokenCount = 150 }, ResponseModel = "gpt-4o-2024-08-06" };
        await using var engine = TestEngines.Create(provider, meters);
        var workflow = Workflow.Create(TestEngines.UniqueName("tokens"))
            .AddLlmStep("first", "One", model: "gpt-4o")
            .AddLlmStep("second", "Two", model: "gpt-4o")
            .Build();

        await engine.ExecuteAsync(workflow);

        var measurements = tokens.GetMeasurementSnapshot();
        Assert.Equal(4, measurements.Count);
        Assert.Equal(2, measurements.Count(m => Equals(m.Tags["gen_ai.token.type"], "input") && m.Value == 120));
        Assert.Equal(2, measurements.Count(m => Equals(m.Tags["gen_ai.token.type"], "output") && m.Value == 30));
        Assert.All(measurements, m =>
        {
            Assert.Equal("chat", m.Tags["gen_ai.operation.name"]);
            Assert.Equal("openai", m.Tags["gen_ai.provider.name"]);
            Assert.Equal("gpt-4o", m.Tags["gen_ai.request.model"]);
            Assert.Equal("gpt-4o-2024-08-06", m.Tags["gen_ai.response.model"]);
            Assert.Equal("llm.example.test", m.Tags["server.address"]);
            Assert.Equal(8443, m.Tags["server.port"]);
            Assert.False(m.Tags.ContainsKey("error.type"));
        });
        Assert.Equal(2, durations.GetMeasurementSnapshot().Count);
    }

    [Fact]
    public async Task ExecuteAsync_FakeClock_RecordsExactDurationsRunCountAndCost()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 8, 20, 12, 0, 0, TimeSpan.Zero));
        using var services = TestEngines.CreateMeterServices();
        var meters = services.GetRequiredService<IMeterFactory>();
        using var operation = new MetricCollector<double>(meters, WorkflowTelemetry.SourceName, "gen_ai.client.operation.duration");
        using var steps = new MetricCollector<double>(meters, WorkflowTelemetry.SourceName, "workflows.step.duration");
        using var workflowDuration = new MetricCollector<double>(meters, WorkflowTelemetry.SourceName, "gen_ai.workflow.duration");
        using var runs = new MetricCollector<long>(meters, WorkflowTelemetry.SourceName, "workflows.runs");
        using var cost = new MetricCollector<double>(meters, WorkflowTelemetry.SourceName, "workflows.cost");
        var provider = new ScriptedProvider(time) { Latency = TimeSpan.FromMilliseconds(1500), Usage = new() { InputTokenCount = 1_000, OutputTokenCount = 500, TotalTokenCount = 1_500 } };
        await using var engine = TestEngines.Create(provider, meters, time);
        var name = TestEngines.UniqueName("clock");
        var workflow = Workflow.Create(name)
            .AddLlmStep("draft", "Write", model: "gpt-4o-mini")
            .AddTransformStep("shape", ctx =>
            {
                time.Advance(TimeSpan.FromMilliseconds(250));
                return "done";
            })
            .Build();

        var result = await engine.ExecuteAsync(workflow);

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        Assert.Equal(1.5, Assert.Single(operation.GetMeasurementSnapshot()).Value, 9);
        var stepMeasurements = steps.GetMeasurementSnapshot();
        Assert.Equal(1.5, Assert.Single(stepMeasurements, m => Equals(m.Tags["workflows.step.name"], "draft")).Value, 9);
        Assert.Equal(0.25, Assert.Single(stepMeasurements, m => Equals(m.Tags["workflows.step.name"], "shape")).Value, 9);
        var run = Assert.Single(workflowDuration.GetMeasurementSnapshot());
        Assert.Equal(1.75, run.Value, 9);
        Assert.Equal(name, run.Tags["gen_ai.workflow.name"]);
        Assert.False(run.Tags.ContainsKey("error.type"));
        var count = Assert.Single(runs.GetMeasurementSnapshot());
        Assert.Equal(1, count.Value);
        Assert.Equal("completed", count.Tags["workflows.run.status"]);

        // gpt-4o-mini: 1,000 x $0.15/M + 500 x $0.60/M = $0.00015 + $0.00030.
        Assert.Equal(0.00045, Assert.Single(cost.GetMeasurementSnapshot()).Value, 12);
        Assert.Equal(0.00045m, result.Metrics.TotalCost.AmountUsd);

        var start = new DateTimeOffset(2025, 8, 20, 12, 0, 0, TimeSpan.Zero);
        Assert.Equal(start, result.Metrics.StartedAt);
        Assert.Equal(TimeSpan.FromMilliseconds(1750), result.Metrics.Duration);
        Assert.Collection(
            result.Metrics.Steps,
            draft =>
            {
                Assert.Equal("draft", draft.StepName);
                Assert.Equal(start, draft.StartedAt);
                Assert.Equal(start.AddMilliseconds(1500), draft.CompletedAt);
                Assert.Equal(TimeSpan.FromMilliseconds(1500), draft.Duration);
                Assert.Equal(TokenUsage.From(1_000, 500), draft.Usage);
                Assert.Equal(0.00045m, draft.Cost.AmountUsd);
            },
            shape =>
            {
                Assert.Equal(start.AddMilliseconds(1500), shape.StartedAt);
                Assert.Equal(TimeSpan.FromMilliseconds(250), shape.Duration);
                Assert.Equal(TokenUsage.Empty, shape.Usage);
                Assert.Equal(CostEstimate.Zero, shape.Cost);
            });
    }

    [Fact]
    public async Task ExecuteAsync_UnpricedModel_RecordsNoCostAndReportsIncompleteCost()
    {
        using var services = TestEngines.CreateMeterServices();
        var meters = services.GetRequiredService<IMeterFactory>();
        using var cost = new MetricCollector<double>(meters, WorkflowTelemetry.SourceName, "workflows.cost");
        await using var engine = TestEngines.Create(new ScriptedProvider(), meters);

        var result = await engine.ExecuteAsync(
            Workflow.Create(TestEngines.UniqueName("unpriced")).AddLlmStep("ask", "Hi", model: "house-model-7b").Build());

        Assert.Empty(cost.GetMeasurementSnapshot());
        Assert.False(result.Metrics.TotalCost.IsComplete);
        Assert.Equal(["house-model-7b"], result.Metrics.TotalCost.UnpricedModels);
    }

    [Fact]
    public void Constructor_Histograms_AdviseSemanticConventionBucketBoundaries()
    {
        using var services = TestEngines.CreateMeterServices();
        using var instrumentation = new WorkflowInstrumentation(services.GetRequiredService<IMeterFactory>(), captureMessageContent: false);

        Assert.Equal(
            [1L, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864],
            instrumentation.TokenUsage.Advice?.HistogramBucketBoundaries);
        double[] operation = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
        Assert.Equal(operation, instrumentation.OperationDuration.Advice?.HistogramBucketBoundaries);
        Assert.Equal(operation, instrumentation.StepDuration.Advice?.HistogramBucketBoundaries);
        Assert.Equal([1d, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200], instrumentation.WorkflowDuration.Advice?.HistogramBucketBoundaries);
        Assert.Equal("{token}", instrumentation.TokenUsage.Unit);
        Assert.Equal("s", instrumentation.OperationDuration.Unit);
        Assert.Equal("s", instrumentation.WorkflowDuration.Unit);
        Assert.Equal("s", instrumentation.StepDuration.Unit);
        Assert.Equal("USD", instrumentation.Cost.Unit);
        Assert.Equal("s", instrumentation.TimeToFirstChunk.Unit);
        Assert.Equal(operation, instrumentation.TimeToFirstChunk.Advice?.HistogramBucketBoundaries);
        Assert.Equal("{run}", instrumentation.Runs.Unit);
        Assert.Equal("{finding}", instrumentation.GuardrailFindings.Unit);
        Assert.Equal(WorkflowTelemetry.SourceName, instrumentation.TokenUsage.Meter.Name);
    }

    [Fact]
    public void Constructor_Instruments_DescribeWhatTheyMeasure()
    {
        using var services = TestEngines.CreateMeterServices();
        using var instrumentation = new WorkflowInstrumentation(services.GetRequiredService<IMeterFactory>(), captureMessageContent: false);

        Assert.Equal("Number of input and output tokens used per model call.", instrumentation.TokenUsage.Description);
        Assert.Equal("Duration of a model call.", instrumentation.OperationDuration.Description);
        Assert.Equal("Time from the start of a streamed model call to its first chunk.", instrumentation.TimeToFirstChunk.Description);
        Assert.Equal("Duration of a workflow run.", instrumentation.WorkflowDuration.Description);
        Assert.Equal("Duration of a workflow step.", instrumentation.StepDuration.Description);
        Assert.Equal("Workflow runs, by final status.", instrumentation.Runs.Description);
        Assert.Equal("Cost of model calls in US dollars (priced calls only).", instrumentation.Cost.Description);
        Assert.Equal("Findings of the safety guardrails, by guardrail, finding type and decision.", instrumentation.GuardrailFindings.Description);
    }

    [Theory]
    [InlineData(WorkflowStatus.Completed, "completed")]
    [InlineData(WorkflowStatus.Failed, "failed")]
    [InlineData(WorkflowStatus.Cancelled, "cancelled")]
    [InlineData(WorkflowStatus.TimedOut, "timed_out")]
    [InlineData(WorkflowStatus.Pending, "pending")]
    [InlineData(WorkflowStatus.Running, "running")]
    [InlineData((WorkflowStatus)99, "_OTHER")]
    public void StatusValue_FinalStatus_IsLowerSnakeCase(WorkflowStatus status, string expected) =>
        Assert.Equal(expected, WorkflowInstrumentation.StatusValue(status));

    [Theory]
    [InlineData(StepStatus.Completed, "completed")]
    [InlineData(StepStatus.Failed, "failed")]
    [InlineData(StepStatus.Cancelled, "cancelled")]
    [InlineData(StepStatus.TimedOut, "timed_out")]
    [InlineData(StepStatus.Pending, "pending")]
    [InlineData(StepStatus.Running, "running")]
    [InlineData((StepStatus)99, "_OTHER")]
    public void StatusValue_StepStatus_IsLowerSnakeCase(StepStatus status, string expected) =>
        Assert.Equal(expected, WorkflowInstrumentation.StatusValue(status));

    [Theory]
    [InlineData(false, null, false)]
    [InlineData(false, "true", true)]
    [InlineData(false, "TRUE", true)]
    [InlineData(false, "1", false)]
    [InlineData(false, "false", false)]
    [InlineData(true, "false", true)]
    public void ShouldCaptureMessageContent_OptionOrEnvironmentValueTrue_Captures(bool option, string? environmentValue, bool expected) =>
        Assert.Equal(expected, WorkflowInstrumentation.ShouldCaptureMessageContent(option, environmentValue));

    [Fact]
    public void Dispose_WithoutMeterFactory_DisposesTheMeterItCreated()
    {
        var instrumentation = new WorkflowInstrumentation(meterFactory: null, captureMessageContent: false);
        using var listener = ListenTo(instrumentation.Runs.Meter);
        Assert.True(instrumentation.Runs.Enabled);

        instrumentation.Dispose();

        Assert.False(instrumentation.Runs.Enabled);
    }

    [Fact]
    public void Dispose_WithMeterFactory_LeavesTheFactorysMeterToOtherEngines()
    {
        using var services = TestEngines.CreateMeterServices();
        var factory = services.GetRequiredService<IMeterFactory>();
        using var other = new WorkflowInstrumentation(factory, captureMessageContent: false);
        var instrumentation = new WorkflowInstrumentation(factory, captureMessageContent: false);
        using var listener = ListenTo(instrumentation.Runs.Meter);

        instrumentation.Dispose();

        // The factory hands every engine the same meter: it stays in use until the factory is disposed.
        Assert.Same(instrumentation.Runs.Meter, other.Runs.Meter);
        Assert.True(other.Runs.Enabled);
    }

    [Fact]
    public async Task ExecuteAsync_ReplyWithoutModelOrFinishReason_ResponseModelIsTheRequestedOneAndFinishReasonStop()
    {
        using var root = TestEngines.StartRootActivity();
        using var spans = new ActivityCollector(root.TraceId);
        using var services = TestEngines.CreateMeterServices();
        var meters = services.GetRequiredService<IMeterFactory>();
        using var tokens = new MetricCollector<long>(meters, WorkflowTelemetry.SourceName, "gen_ai.client.token.usage");
        var options = new GenAiWorkflowOptions { CaptureMessageContent = true };
        await using var engine = TestEngines.Create(new BareReplyProvider(), meters, options: options);

        await engine.ExecuteAsync(Workflow.Create(TestEngines.UniqueName("bare")).AddLlmStep("ask", "Hi", model: "gpt-4o").Build());

        var chat = spans.Single("chat gpt-4o");
        Assert.Equal("gpt-4o", chat.GetTagItem("gen_ai.response.model"));
        Assert.Null(chat.GetTagItem("gen_ai.response.finish_reasons"));
        using var output = JsonDocument.Parse(Assert.IsType<string>(chat.GetTagItem("gen_ai.output.messages")));
        Assert.Equal("stop", Assert.Single(output.RootElement.EnumerateArray().ToList()).GetProperty("finish_reason").GetString());
        Assert.All(tokens.GetMeasurementSnapshot(), m => Assert.Equal("gpt-4o", m.Tags["gen_ai.response.model"]));
        Assert.Equal(2, tokens.GetMeasurementSnapshot().Count);
    }

    [Fact]
    public async Task ExecuteAsync_RunSpanNotSampled_StepSpansAreChildrenOfTheAmbientSpan()
    {
        using var root = TestEngines.StartRootActivity();
        var steps = new System.Collections.Concurrent.ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = static source => source.Name == WorkflowTelemetry.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> creation) =>
                creation.TraceId != root.TraceId ? ActivitySamplingResult.None
                : creation.Name.StartsWith("invoke_workflow", StringComparison.Ordinal) ? ActivitySamplingResult.None
                : ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.TraceId == root.TraceId && activity.DisplayName.StartsWith("step ", StringComparison.Ordinal))
                {
                    steps.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        await using var engine = TestEngines.Create(new ScriptedProvider());

        await engine.ExecuteAsync(Workflow.Create(TestEngines.UniqueName("unsampled")).AddTransformStep("only", _ => "done").Build());

        var step = Assert.Single(steps);
        Assert.Equal(root.SpanId, step.ParentSpanId);
    }

    private static MeterListener ListenTo(Meter meter)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (ReferenceEquals(instrument.Meter, meter))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.Start();
        return listener;
    }

    /// <summary>A reply with neither a model id nor a finish reason, as some OpenAI-compatible servers send.</summary>
    private sealed class BareReplyProvider : TestChatClient
    {
        protected override Task<ChatResponse> RespondAsync(IReadOnlyList<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken) =>
            Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "plain"))
            {
                ModelId = " ",
                Usage = new UsageDetails { InputTokenCount = 3, OutputTokenCount = 1, TotalTokenCount = 4 },
            });
    }

    [Theory]
    [InlineData(ErrorKind.TimedOut, "System.TimeoutException", "timeout")]
    [InlineData(ErrorKind.Cancelled, "System.OperationCanceledException", "cancelled")]
    [InlineData(ErrorKind.StepFailed, "Workflows.StepException", "Workflows.StepException")]
    [InlineData(ErrorKind.StepFailed, "", "_OTHER")]
    public void ErrorType_ErrorInfo_MapsToLowCardinalityValue(ErrorKind kind, string exceptionType, string expected) =>
        Assert.Equal(expected, WorkflowInstrumentation.ErrorType(new ErrorInfo { Message = "m", ExceptionType = exceptionType, Kind = kind }));
}

internal sealed record Headline(string Title);
