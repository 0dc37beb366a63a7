using System.Diagnostics.CodeAnalysis;
using System.Threading.Channels;

namespace Workflows.Samples.Worker;

/// <summary>A request to run a workflow.</summary>
/// <param name="WorkflowName">The workflow, by name.</param>
/// <param name="Inputs">The run's inputs.</param>
public sealed record RunRequest(string WorkflowName, IReadOnlyDictionary<string, object?> Inputs)
{
    /// <summary>Gets the request's id (also the run's correlation id).</summary>
    public string Id { get; init; } = Guid.NewGuid().ToString("N");
}

/// <summary>How an accepted request ended: every accepted request gets exactly one.</summary>
/// <param name="Request">The request.</param>
/// <param name="Status">Completed, Failed, TimedOut, or Cancelled (at shutdown).</param>
/// <param name="Reason">Why it did not complete; <see langword="null"/> when it did.</param>
/// <param name="Result">The run's result; <see langword="null"/> when the run never started.</param>
public sealed record RunOutcome(RunRequest Request, WorkflowStatus Status, string? Reason, WorkflowResult? Result);

/// <summary>
/// The bounded queue between producers and <see cref="RunQueueWorker"/>. A request is accepted or refused at once
/// (<see cref="TryEnqueue"/>); an accepted one always ends with a <see cref="RunOutcome"/>, also when the worker stops.
/// </summary>
public sealed class RunQueue
{
    private readonly Channel<QueuedRun> _channel;

    /// <summary>Initializes a new instance of the <see cref="RunQueue"/> class.</summary>
    /// <param name="capacity">How many requests may wait to start.</param>
    public RunQueue(int capacity) =>
        _channel = Channel.CreateBounded<QueuedRun>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });

    /// <summary>Gets how many requests wait to start.</summary>
    public int Pending => _channel.Reader.Count;

    /// <summary>Gets whether the queue still takes requests (it stops when the worker stops).</summary>
    public bool IsOpen => !_channel.Reader.Completion.IsCompleted && !_closed;

    internal ChannelReader<QueuedRun> Reader => _channel.Reader;

    private volatile bool _closed;

    /// <summary>Queues a request unless the queue is full or the worker is stopping.</summary>
    /// <param name="request">The request.</param>
    /// <param name="outcome">When accepted: completes with the request's outcome.</param>
    /// <returns>Whether the request was accepted.</returns>
    public bool TryEnqueue(RunRequest request, [NotNullWhen(true)] out Task<RunOutcome>? outcome)
    {
        ArgumentNullException.ThrowIfNull(request);
        var run = new QueuedRun(request);
        if (_channel.Writer.TryWrite(run))
        {
            outcome = run.Outcome;
            return true;
        }

        outcome = null;
        return false;
    }

    /// <summary>Stops taking requests; those already queued are still handed to the worker, which reports them.</summary>
    internal void Close()
    {
        _closed = true;
        _channel.Writer.TryComplete();
    }
}

/// <summary>A queued request and the promise of its outcome.</summary>
internal sealed class QueuedRun(RunRequest request)
{
    private readonly TaskCompletionSource<RunOutcome> _outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public RunRequest Request { get; } = request;

    public Task<RunOutcome> Outcome => _outcome.Task;

    public void Report(WorkflowStatus status, string? reason, WorkflowResult? result) =>
        _outcome.TrySetResult(new RunOutcome(Request, status, reason, result));
}
