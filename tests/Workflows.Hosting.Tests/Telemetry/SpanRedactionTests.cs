using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Workflows.Hosting.Tests.Telemetry;

public sealed class SpanRedactionTests
{
    private const string ConfiguredKey = "cfg-secret-value-7d41c2";

    [Fact]
    public async Task FailedStep_ExceptionTextHoldsConfiguredKey_SpanStatusDescriptionsAreRedacted()
    {
        var traceId = ActivityTraceId.CreateRandom();
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = static source => source.Name == WorkflowTelemetry.SourceName,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                if (a.TraceId == traceId)
                {
                    stopped.Enqueue(a);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder()
            .AddInMemoryCollection([new("GenAiWorkflows:Providers:openai:ApiKey", ConfiguredKey)]).Build());
        services.AddGenAiWorkflows();
        await using var provider = services.BuildServiceProvider();
        var engine = provider.GetRequiredService<IWorkflowEngine>();
        using var root = new Activity("test-root").SetParentId(traceId, ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded).Start();

        var result = await engine.ExecuteAsync(Workflow.Create("leaky")
            .AddTransformStep("call", _ => throw new InvalidOperationException($"upstream rejected {ConfiguredKey}"))
            .Build());

        Assert.Equal(WorkflowStatus.Failed, result.Status);
        var failed = stopped.Where(static a => a.Status == ActivityStatusCode.Error).ToList();
        Assert.Equal(2, failed.Count); // the step span and the run span
        Assert.All(failed, static a =>
        {
            Assert.DoesNotContain(ConfiguredKey, a.StatusDescription, StringComparison.Ordinal);
            Assert.Contains("[REDACTED]", a.StatusDescription, StringComparison.Ordinal);
        });
    }
}
