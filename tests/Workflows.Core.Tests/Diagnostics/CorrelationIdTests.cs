using System.Diagnostics;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Logging;

namespace Workflows.Tests.Diagnostics;

public sealed class CorrelationIdTests
{
    private static readonly Action<ILogger, Exception?> FromStep = LoggerMessage.Define(LogLevel.Information, new EventId(1), "from the step");

    [Fact]
    public async Task ExecuteAsync_IncomingActivity_UsesItsTraceIdEverywhere()
    {
        using var root = TestEngines.StartRootActivity();
        using var spans = new ActivityCollector(root.TraceId);
        await using var engine = TestEngines.Create(new ScriptedProvider());
        string? seenByStep = null;
        var workflow = Workflow.Create(TestEngines.UniqueName("incoming"))
            .AddLlmStep("ask", "Hi")
            .AddTransformStep("look", ctx => seenByStep = ctx.CorrelationId)
            .Build();

        var result = await engine.ExecuteAsync(workflow);

        var traceId = root.TraceId.ToHexString();
        Assert.Equal(traceId, result.CorrelationId);
        Assert.Equal(traceId, seenByStep);
        Assert.Equal(4, spans.Stopped.Count);
        Assert.All(spans.Stopped, span => Assert.Equal(traceId, span.GetTagItem("workflows.correlation_id")));
    }

    [Fact]
    public async Task ExecuteAsync_CallerCorrelationId_WinsOverIncomingActivity()
    {
        using var root = TestEngines.StartRootActivity();
        using var spans = new ActivityCollector(root.TraceId);
        await using var engine = TestEngines.Create(new ScriptedProvider());
        string? seenByStep = null;
        var workflow = Workflow.Create(TestEngines.UniqueName("caller"))
            .AddTransformStep("look", ctx => seenByStep = ctx.CorrelationId)
            .Build();

        var result = await engine.ExecuteAsync(workflow, options: new WorkflowRunOptions { CorrelationId = "order-42" });

        Assert.Equal("order-42", result.CorrelationId);
        Assert.Equal("order-42", seenByStep);
        Assert.All(spans.Stopped, span => Assert.Equal("order-42", span.GetTagItem("workflows.correlation_id")));
    }

    [Fact]
    public async Task ExecuteAsync_NoActivityAndNoCallerId_GeneratesNewIdPerRun()
    {
        Activity.Current = null;
        await using var engine = TestEngines.Create(new ScriptedProvider());
        var workflow = Workflow.Create(TestEngines.UniqueName("fresh")).AddTransformStep("noop", _ => null).Build();

        var first = await engine.ExecuteAsync(workflow);
        var second = await engine.ExecuteAsync(workflow);

        Assert.Matches("^[0-9a-f]{32}$", first.CorrelationId);
        Assert.NotEqual(first.CorrelationId, second.CorrelationId);
    }

    [Fact]
    public async Task ExecuteAsync_EveryLogOfTheRun_HasScopeWithCorrelationId()
    {
        using var loggers = new FakeLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(loggers).SetMinimumLevel(LogLevel.Trace));
        await using var engine = TestEngines.Create(new ScriptedProvider(), loggerFactory: factory);
        var workflow = Workflow.Create(TestEngines.UniqueName("scoped"))
            .AddLlmStep("ask", "Hi")
            .AddTransformStep("log", ctx =>
            {
                FromStep(ctx.Logger, null);
                return null;
            })
            .Build();

        var result = await engine.ExecuteAsync(workflow, options: new WorkflowRunOptions { CorrelationId = "corr-scope-1" });

        var records = loggers.Collector.GetSnapshot();
        Assert.Contains(records, r => r.Message == "from the step");
        Assert.True(records.Count >= 6);
        Assert.All(records, record =>
        {
            var scope = Assert.Single(record.Scopes.OfType<IReadOnlyList<KeyValuePair<string, object?>>>());
            Assert.Contains(new KeyValuePair<string, object?>("CorrelationId", "corr-scope-1"), scope);
            Assert.Contains(new KeyValuePair<string, object?>("WorkflowId", result.WorkflowId), scope);
        });
    }
}
