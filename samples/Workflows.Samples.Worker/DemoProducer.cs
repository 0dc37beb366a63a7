using Microsoft.Extensions.Options;

namespace Workflows.Samples.Worker;

/// <summary>
/// Queues <see cref="WorkerOptions.DemoRuns"/> sample requests at start, logs each outcome, and stops the application once
/// all of them have ended. With <c>Worker:DemoRuns</c> = 0 it does nothing and the worker waits for work until Ctrl+C.
/// </summary>
internal sealed partial class DemoProducer(
    RunQueue queue, IOptions<WorkerOptions> options, IHostApplicationLifetime lifetime, ILogger<DemoProducer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var count = options.Value.DemoRuns;
        if (count == 0)
        {
            return;
        }

        var outcomes = new List<Task<RunOutcome>>();
        for (var i = 1; i <= count; i++)
        {
            var request = new RunRequest("summarize", new Dictionary<string, object?>
            {
                ["text"] = $"Ticket {i}: the customer's order arrived late and one item was missing from the parcel.",
            });
            if (queue.TryEnqueue(request, out var outcome))
            {
                outcomes.Add(outcome);
            }
            else
            {
                LogRefused(logger, request.Id);
            }
        }

        foreach (var outcome in await Task.WhenAll(outcomes))
        {
            var text = outcome.Result?.Output as string ?? outcome.Reason ?? "-";
            LogOutcome(logger, outcome.Request.Id, outcome.Status, text);
        }

        lifetime.StopApplication();
    }

    [LoggerMessage(EventId = 6101, EventName = "DemoRequestRefused", Level = LogLevel.Warning,
        Message = "Request {RequestId} was refused: the queue is full or the worker is stopping.")]
    private static partial void LogRefused(ILogger logger, string requestId);

    [LoggerMessage(EventId = 6102, EventName = "DemoOutcome", Level = LogLevel.Information,
        Message = "Request {RequestId}: {Status}: {Output}")]
    private static partial void LogOutcome(ILogger logger, string requestId, WorkflowStatus status, string output);
}
