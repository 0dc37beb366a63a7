using System.Collections.Concurrent;

namespace Workflows.Tests.TestSupport;

/// <summary>
/// A UI-like context: every continuation posted to it runs on the one thread that owns it. Blocking that thread on a
/// task whose continuation was posted here (a naive <c>.Result</c>) deadlocks.
/// </summary>
internal sealed class SingleThreadSynchronizationContext : SynchronizationContext, IDisposable
{
    private readonly BlockingCollection<(SendOrPostCallback Callback, object? State)> _queue = [];

    public override void Post(SendOrPostCallback d, object? state) => _queue.Add((d, state));

    public override void Send(SendOrPostCallback d, object? state) => throw new NotSupportedException();

    public override SynchronizationContext CreateCopy() => this;

    /// <summary>Runs <paramref name="body"/> on a new thread with this context installed, pumping posted work until it finishes.</summary>
    public static T Run<T>(Func<T> body) => Bounded.OnThread(() =>
    {
        using var context = new SingleThreadSynchronizationContext();
        var previous = Current;
        SetSynchronizationContext(context);
        try
        {
            return body();
        }
        finally
        {
            SetSynchronizationContext(previous);
        }
    });

    /// <summary>Runs an async body on the context's thread, pumping continuations until it completes.</summary>
    public static T RunAsync<T>(Func<Task<T>> body) => Bounded.OnThread(() =>
    {
        using var context = new SingleThreadSynchronizationContext();
        var previous = Current;
        SetSynchronizationContext(context);
        try
        {
            var task = body();
            _ = task.ContinueWith(_ => context._queue.CompleteAdding(), TaskScheduler.Default);
            foreach (var (callback, state) in context._queue.GetConsumingEnumerable())
            {
                callback(state);
            }

            return task.GetAwaiter().GetResult();
        }
        finally
        {
            SetSynchronizationContext(previous);
        }
    });

    public void Dispose() => _queue.Dispose();
}
