using Microsoft.Extensions.AI;
namespace Workflows.Hosting.Tests.TestSupport;

/// <summary>A service registered as scoped: one instance per run.</summary>
public sealed class RunScopedService
{
    public Guid Id { get; } = Guid.NewGuid();
}

/// <summary>A step that takes a scoped service and outputs its id.</summary>
public sealed class ScopedServiceStep(RunScopedService service) : WorkflowStep("scoped")
{
    public override ValueTask<object?> ExecuteAsync(StepContext context, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<object?>(service.Id);
}

/// <summary>A step resolved from the container that always fails.</summary>
public sealed class FailingServiceStep() : WorkflowStep("failing")
{
    public override ValueTask<object?> ExecuteAsync(StepContext context, CancellationToken cancellationToken = default) =>
        throw new InvalidOperationException("the plugin step broke");
}

/// <summary>A step whose constructor needs a service nobody registered.</summary>
public sealed class NeedsMissingServiceStep(NeedsMissingServiceStep.Missing missing) : WorkflowStep("needy")
{
    public override ValueTask<object?> ExecuteAsync(StepContext context, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<object?>(missing);

    public sealed class Missing;
}

/// <summary>A step that signals when it starts and then waits until the run's token fires.</summary>
internal sealed class WaitForCancellationStep(string name) : WorkflowStep(name)
{
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Started => _started.Task;

    public override async ValueTask<object?> ExecuteAsync(StepContext context, CancellationToken cancellationToken = default)
    {
        _started.TrySetResult();
        await Task.Delay(Timeout.Infinite, cancellationToken);
        return null;
    }
}

/// <summary>A provider that counts its lifecycle calls and may fail to initialize.</summary>
public sealed class CountingProvider : TestChatClient, IProviderLifecycle
{
    private int _initializations;
    private int _cleanups;

    public Exception? InitializeFailure { get; set; }

    public int Initializations => Volatile.Read(ref _initializations);

    public int Cleanups => Volatile.Read(ref _cleanups);

    protected override Task<ChatResponse> RespondAsync(IReadOnlyList<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken) =>
        Task.FromResult(Reply("counted: " + messages[^1].Text));

    public Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _initializations);
        return InitializeFailure is null ? Task.CompletedTask : Task.FromException(InitializeFailure);
    }

    public Task CleanupAsync(CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _cleanups);
        return Task.CompletedTask;
    }
}

/// <summary>A dependency of <see cref="ProviderWithDependency"/>.</summary>
public sealed class GreetingSource
{
    public string Greeting { get; init; } = "hello from DI";
}

/// <summary>A provider built by the container with a dependency.</summary>
public sealed class ProviderWithDependency(GreetingSource source) : TestChatClient
{
    public GreetingSource Source { get; } = source;

    protected override Task<ChatResponse> RespondAsync(IReadOnlyList<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken) =>
        Task.FromResult(Reply($"{Source.Greeting}: {messages[^1].Text}", usage: new UsageDetails { InputTokenCount = 3, OutputTokenCount = 4, TotalTokenCount = 7 }));
}
