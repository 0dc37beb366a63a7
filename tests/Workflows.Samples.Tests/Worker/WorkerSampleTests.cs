using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Workflows.Samples.Worker;

namespace Workflows.Samples.Tests.Worker;

/// <summary>Starts the worker sample through its own host and feeds its queue.</summary>
public sealed class WorkerSampleTests
{
    private static IHost CreateHost(int mockLatencyMs, int maxConcurrency, TimeSpan shutdownTimeout) =>
        WorkerApp.Create(
            [],
            SampleDirectory.Of("Workflows.Samples.Worker"),
            builder =>
            {
                builder.Configuration.AddInMemoryCollection(
                [
                    new("Sample:MockLatencyMs", mockLatencyMs.ToString(CultureInfo.InvariantCulture)),
                    new("Sample:ConsoleTelemetry", "false"),
                    new("GenAiWorkflows:DefaultProvider", "mock"),
                    new("Worker:DemoRuns", "0"),
                    new("Worker:MaxConcurrency", maxConcurrency.ToString(CultureInfo.InvariantCulture)),
                    new("Worker:Capacity", "50"),
                    new("Logging:LogLevel:Default", "Warning"),
                    new("Logging:LogLevel:Workflows.Samples", "Information"),
                ]);
                builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = shutdownTimeout);
                builder.Logging.AddFakeLogging();
            });

    private static List<Task<RunOutcome>> Enqueue(RunQueue queue, int count)
    {
        var outcomes = new List<Task<RunOutcome>>();
        for (var i = 0; i < count; i++)
        {
            Assert.True(queue.TryEnqueue(
                new RunRequest("summarize", new Dictionary<string, object?> { ["text"] = $"document {i}" }), out var outcome));
            outcomes.Add(outcome);
        }

        return outcomes;
    }

    /// <summary>Waits until the worker has taken all but <paramref name="pending"/> requests (two in flight).</summary>
    private static async Task WhenInFlightAsync(RunQueue queue, int pending)
    {
        var deadline = DateTime.UtcNow + SampleDirectory.Timeout;
        while (queue.Pending > pending)
        {
            Assert.True(DateTime.UtcNow < deadline, "The worker did not take the requests.");
            await Task.Delay(10);
        }

        await Task.Delay(50); // the two runs are inside the engine
    }

    [Fact]
    public async Task Queue_OfRuns_AllCompleteWithBoundedConcurrency()
    {
        using var host = CreateHost(mockLatencyMs: 50, maxConcurrency: 2, TimeSpan.FromSeconds(5));
        await host.StartAsync().WaitAsync(SampleDirectory.Timeout);
        var queue = host.Services.GetRequiredService<RunQueue>();

        var outcomes = await Task.WhenAll(Enqueue(queue, 6)).WaitAsync(SampleDirectory.Timeout);

        Assert.All(outcomes, static o => Assert.Equal(WorkflowStatus.Completed, o.Status));
        Assert.All(outcomes, static o => Assert.StartsWith("In short: document", o.Result!.Output as string, StringComparison.Ordinal));
        // Two at a time: when any run starts, at most two are running (itself included).
        var spans = outcomes.Select(static o => (o.Result!.Metrics.StartedAt, o.Result.Metrics.CompletedAt)).ToList();
        Assert.All(spans, s => Assert.True(spans.Count(other => other.StartedAt <= s.StartedAt && s.StartedAt < other.CompletedAt) <= 2));
        await host.StopAsync().WaitAsync(SampleDirectory.Timeout);
    }

    [Fact]
    public async Task Stop_DuringLoad_InFlightRunsFinishQueuedOnesAreReportedCancelledNoneDropped()
    {
        using var host = CreateHost(mockLatencyMs: 300, maxConcurrency: 2, TimeSpan.FromSeconds(10));
        await host.StartAsync().WaitAsync(SampleDirectory.Timeout);
        var queue = host.Services.GetRequiredService<RunQueue>();
        var outcomes = Enqueue(queue, 8);
        await WhenInFlightAsync(queue, pending: 6);

        await host.StopAsync().WaitAsync(SampleDirectory.Timeout);

        Assert.False(queue.TryEnqueue(new RunRequest("summarize", new Dictionary<string, object?>()), out _));
        Assert.All(outcomes, static o => Assert.True(o.IsCompletedSuccessfully, "every accepted request has an outcome"));
        var results = outcomes.Select(static t => t.Result).ToList();
        Assert.Equal(2, results.Count(static o => o.Status == WorkflowStatus.Completed));
        var notStarted = results.Where(static o => o.Status == WorkflowStatus.Cancelled).ToList();
        Assert.Equal(6, notStarted.Count);
        Assert.All(notStarted, static o => Assert.Equal("not started: the worker stopped", o.Reason));
        var stopped = Assert.Single(host.Services.GetRequiredService<FakeLogCollector>().GetSnapshot(), static r => r.Id.Id == 6006);
        Assert.Equal("Stopped: 2 completed, 0 failed, 0 cancelled in flight, 6 cancelled before starting.", stopped.Message);
    }

    [Fact]
    public async Task Stop_RunsOutlastTheShutdownTimeout_AreCancelledReportedAndLogged()
    {
        using var host = CreateHost(mockLatencyMs: 30_000, maxConcurrency: 2, TimeSpan.FromMilliseconds(300));
        await host.StartAsync().WaitAsync(SampleDirectory.Timeout);
        var queue = host.Services.GetRequiredService<RunQueue>();
        var outcomes = Enqueue(queue, 3);
        await WhenInFlightAsync(queue, pending: 1);

        await host.StopAsync().WaitAsync(SampleDirectory.Timeout);

        var results = outcomes.Select(static t => t.Result).ToList();
        Assert.All(results, static o => Assert.Equal(WorkflowStatus.Cancelled, o.Status));
        var interrupted = results.Where(static o => o.Result is not null).ToList();
        Assert.Equal(2, interrupted.Count);
        Assert.All(interrupted, static o => Assert.Equal("cancelled at the host's shutdown timeout", o.Reason));
        Assert.All(interrupted, static o => Assert.Equal(WorkflowStatus.Cancelled, o.Result!.Status));
        var logs = host.Services.GetRequiredService<FakeLogCollector>().GetSnapshot();
        Assert.Contains(logs, static r => r.Id.Id == 6004 && r.Message.Contains("cancelling 2 runs", StringComparison.Ordinal));
        Assert.Contains(logs, static r => r.Id.Id == 6006
            && r.Message == "Stopped: 0 completed, 0 failed, 2 cancelled in flight, 1 cancelled before starting.");
    }
}
