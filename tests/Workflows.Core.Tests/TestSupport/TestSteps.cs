namespace Workflows.Tests.TestSupport;

/// <summary>A step that signals when it starts and then waits until the run's token fires.</summary>
internal sealed class WaitForCancellationStep(string name) : WorkflowStep(name)
{
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Started => _started.Task;

    public override async ValueTask<object?> ExecuteAsync(StepContext context, CancellationToken cancellationToken = default)
    {
        _started.TrySetResult();
        await Task.Delay(Timeout.Infinite, cancellationToken);
        return "unreachable";
    }
}

/// <summary>A step that blocks its thread synchronously, ignoring the token, until released.</summary>
internal sealed class BlockingStep(string name) : WorkflowStep(name), IDisposable
{
    private readonly ManualResetEventSlim _release = new();
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Started => _started.Task;

    public override ValueTask<object?> ExecuteAsync(StepContext context, CancellationToken cancellationToken = default)
    {
        _started.TrySetResult();
        _release.Wait(Bounded.Timeout, CancellationToken.None);
        return ValueTask.FromResult<object?>("released");
    }

    public void Release() => _release.Set();

    public void Dispose()
    {
        _release.Set();
        _release.Dispose();
    }
}

/// <summary>A step that signals when it starts and completes with <see cref="Output"/> when released.</summary>
internal sealed class GatedStep(string name, object? output) : WorkflowStep(name)
{
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Started => _started.Task;

    public object? Output { get; } = output;

    public void Release() => _release.TrySetResult();

    public override async ValueTask<object?> ExecuteAsync(StepContext context, CancellationToken cancellationToken = default)
    {
        _started.TrySetResult();
        await _release.Task.WaitAsync(cancellationToken);
        return Output;
    }
}
