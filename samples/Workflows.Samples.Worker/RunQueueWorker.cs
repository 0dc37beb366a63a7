using Microsoft.Extensions.Options;

namespace Workflows.Samples.Worker;

/// <summary>
/// Takes requests from the <see cref="RunQueue"/> and runs them, at most <see cref="WorkerOptions.MaxConcurrency"/> at a time.
/// When the host stops: the queue closes (no new work), requests that had not started are reported cancelled, runs in
/// flight may finish within the host's shutdown timeout (<c>HostOptions:ShutdownTimeout</c>), and those still running then
/// are cancelled (the engine returns them as Cancelled with the steps reached). Every accepted request gets an outcome and
/// is logged; nothing is dropped silently.
/// </summary>
internal sealed partial class RunQueueWorker(
    RunQueue queue, IWorkflowEngine engine, IOptions<WorkerOptions> options, ILogger<RunQueueWorker> logger) : BackgroundService
{
    /// <summary>How long, after the shutdown timeout, cancelled runs get to return their results.</summary>
    private static readonly TimeSpan CancellationGrace = TimeSpan.FromSeconds(5);

    private readonly CancellationTokenSource _runs = new();
    private readonly Lock _gate = new();
    private readonly HashSet<Task> _inFlight = [];
    private int _completed;
    private int _failed;
    private int _cancelledInFlight;
    private int _notStarted;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var maxConcurrency = options.Value.MaxConcurrency;
        using var slots = new SemaphoreSlim(maxConcurrency, maxConcurrency);
        var reader = queue.Reader;
        try
        {
            while (true)
            {
                await slots.WaitAsync(stoppingToken);
                QueuedRun? run = null;
                try
                {
                    if (!await reader.WaitToReadAsync(stoppingToken) || !reader.TryRead(out run))
                    {
                        continue;
                    }
                }
                finally
                {
                    if (run is null)
                    {
                        slots.Release();
                    }
                }

                var task = RunAsync(run, slots);
                lock (_gate)
                {
                    _inFlight.Add(task);
                }

                _ = task.ContinueWith(
                    t =>
                    {
                        lock (_gate)
                        {
                            _inFlight.Remove(t);
                        }
                    },
                    CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping.
        }

        // No new work: what is still queued was accepted but never started, and is reported as such.
        queue.Close();
        while (reader.TryRead(out var pending))
        {
            Interlocked.Increment(ref _notStarted);
            LogNotStarted(logger, pending.Request.Id, pending.Request.WorkflowName);
            pending.Report(WorkflowStatus.Cancelled, "not started: the worker stopped", result: null);
        }

        Task[] running;
        lock (_gate)
        {
            running = [.. _inFlight];
        }

        await Task.WhenAll(running);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        queue.Close();
        int running;
        lock (_gate)
        {
            running = _inFlight.Count;
        }

        LogStopping(logger, running, queue.Pending);

        // Signals ExecuteAsync and waits for it, or until the host's shutdown timeout fires.
        await base.StopAsync(cancellationToken);
        if (ExecuteTask is { IsCompleted: false } execute)
        {
            lock (_gate)
            {
                running = _inFlight.Count;
            }

            LogShutdownTimeout(logger, running);
            await _runs.CancelAsync();
            try
            {
                await execute.WaitAsync(CancellationGrace, CancellationToken.None);
            }
            catch (TimeoutException)
            {
                LogRunsDidNotEnd(logger, CancellationGrace.TotalSeconds);
            }
        }

        LogStopped(logger, _completed, _failed, _cancelledInFlight, _notStarted);
    }

    public override void Dispose()
    {
        _runs.Dispose();
        base.Dispose();
    }

    private async Task RunAsync(QueuedRun run, SemaphoreSlim slots)
    {
        var request = run.Request;
        try
        {
            var result = await engine.ExecuteAsync(
                request.WorkflowName, request.Inputs, new WorkflowRunOptions { CorrelationId = request.Id }, _runs.Token);
            var reason = result.Status switch
            {
                WorkflowStatus.Completed => null,
                WorkflowStatus.Cancelled => "cancelled at the host's shutdown timeout",
                _ => result.Error?.Message,
            };
            _ = result.Status switch
            {
                WorkflowStatus.Completed => Interlocked.Increment(ref _completed),
                WorkflowStatus.Cancelled => Interlocked.Increment(ref _cancelledInFlight),
                _ => Interlocked.Increment(ref _failed),
            };
            LogRunEnded(logger, request.Id, request.WorkflowName, result.Status, reason ?? "-");
            run.Report(result.Status, reason, result);
        }
        catch (Exception ex) when (ex is WorkflowException or ArgumentException)
        {
            // An unknown workflow name: the request itself is wrong.
            Interlocked.Increment(ref _failed);
            LogRunEnded(logger, request.Id, request.WorkflowName, WorkflowStatus.Failed, ex.Message);
            run.Report(WorkflowStatus.Failed, ex.Message, result: null);
        }
        finally
        {
            slots.Release();
        }
    }

    [LoggerMessage(EventId = 6001, EventName = "RunEnded", Level = LogLevel.Information,
        Message = "Request {RequestId} ({WorkflowName}) ended {Status}: {Reason}")]
    private static partial void LogRunEnded(ILogger logger, string requestId, string workflowName, WorkflowStatus status, string reason);

    [LoggerMessage(EventId = 6002, EventName = "RunNotStarted", Level = LogLevel.Warning,
        Message = "Request {RequestId} ({WorkflowName}) was cancelled before it started: the worker is stopping.")]
    private static partial void LogNotStarted(ILogger logger, string requestId, string workflowName);

    [LoggerMessage(EventId = 6003, EventName = "WorkerStopping", Level = LogLevel.Information,
        Message = "Stopping: no new requests; {Running} runs in flight may finish, {Queued} queued requests will not start.")]
    private static partial void LogStopping(ILogger logger, int running, int queued);

    [LoggerMessage(EventId = 6004, EventName = "ShutdownTimeoutReached", Level = LogLevel.Warning,
        Message = "The host's shutdown timeout was reached: cancelling {Running} runs still in flight.")]
    private static partial void LogShutdownTimeout(ILogger logger, int running);

    [LoggerMessage(EventId = 6005, EventName = "RunsDidNotEnd", Level = LogLevel.Error,
        Message = "Cancelled runs did not end within {Seconds} s of the shutdown timeout.")]
    private static partial void LogRunsDidNotEnd(ILogger logger, double seconds);

    [LoggerMessage(EventId = 6006, EventName = "WorkerStopped", Level = LogLevel.Information,
        Message = "Stopped: {Completed} completed, {Failed} failed, {CancelledInFlight} cancelled in flight, {NotStarted} cancelled before starting.")]
    private static partial void LogStopped(ILogger logger, int completed, int failed, int cancelledInFlight, int notStarted);
}
