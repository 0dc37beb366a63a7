namespace Workflows;

/// <summary>Runs workflows: sequentially, step by step, with timeout and cancellation, returning a <see cref="WorkflowResult"/>.</summary>
/// <remarks>
/// A run never throws for what happens inside it: a failed step, a cancellation or a timeout is reported in the
/// result, with every step reached. Only invalid arguments (a null workflow, an unknown workflow name) throw.
/// </remarks>
public interface IWorkflowEngine
{
    /// <summary>Runs a workflow.</summary>
    /// <param name="workflow">The workflow.</param>
    /// <param name="inputs">The run's initial variables; may be <see langword="null"/>.</param>
    /// <param name="options">The run's settings; may be <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the run; the result then has status <see cref="WorkflowStatus.Cancelled"/>.</param>
    /// <returns>The run's result.</returns>
    Task<WorkflowResult> ExecuteAsync(
        Workflow workflow,
        IReadOnlyDictionary<string, object?>? inputs = null,
        WorkflowRunOptions? options = null,
        CancellationToken cancellationToken = default);

    /// <summary>Runs a registered workflow by name.</summary>
    /// <param name="workflowName">The registered workflow's name.</param>
    /// <param name="inputs">The run's initial variables; may be <see langword="null"/>.</param>
    /// <param name="options">The run's settings; may be <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>The run's result.</returns>
    /// <exception cref="WorkflowException">No workflow has that name; the message lists the registered ones.</exception>
    Task<WorkflowResult> ExecuteAsync(
        string workflowName,
        IReadOnlyDictionary<string, object?>? inputs = null,
        WorkflowRunOptions? options = null,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs a workflow and streams what happens: <see cref="RunStartedEvent"/>, per step <see cref="StepStartedEvent"/>,
    /// the model's <see cref="TextDeltaEvent"/>s as they arrive and <see cref="StepCompletedEvent"/>, and last
    /// <see cref="RunCompletedEvent"/> with the same <see cref="WorkflowResult"/> that
    /// <see cref="ExecuteAsync(Workflow, IReadOnlyDictionary{string, object?}?, WorkflowRunOptions?, CancellationToken)"/> returns.
    /// </summary>
    /// <remarks>
    /// Timeout, cancellation, failures, budgets and middleware behave exactly as in <c>ExecuteAsync</c>: a cancelled or
    /// timed-out run still ends with <see cref="RunCompletedEvent"/>. The run starts when enumeration starts; a consumer that
    /// stops enumerating early cancels the run (its middleware's end hooks still run).
    /// </remarks>
    /// <param name="workflow">The workflow.</param>
    /// <param name="inputs">The run's initial variables; may be <see langword="null"/>.</param>
    /// <param name="options">The run's settings; may be <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the run; the last event then reports <see cref="WorkflowStatus.Cancelled"/>.</param>
    /// <returns>The run's events, in order.</returns>
    IAsyncEnumerable<WorkflowEvent> StreamAsync(
        Workflow workflow,
        IReadOnlyDictionary<string, object?>? inputs = null,
        WorkflowRunOptions? options = null,
        CancellationToken cancellationToken = default);

    /// <summary>Runs a registered workflow by name and streams what happens; see <see cref="StreamAsync(Workflow, IReadOnlyDictionary{string, object?}?, WorkflowRunOptions?, CancellationToken)"/>.</summary>
    /// <param name="workflowName">The registered workflow's name.</param>
    /// <param name="inputs">The run's initial variables; may be <see langword="null"/>.</param>
    /// <param name="options">The run's settings; may be <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>The run's events, in order.</returns>
    /// <exception cref="WorkflowException">No workflow has that name.</exception>
    IAsyncEnumerable<WorkflowEvent> StreamAsync(
        string workflowName,
        IReadOnlyDictionary<string, object?>? inputs = null,
        WorkflowRunOptions? options = null,
        CancellationToken cancellationToken = default);

    /// <summary>Runs a workflow synchronously; safe under a <see cref="SynchronizationContext"/> and from many threads.</summary>
    /// <remarks>
    /// The run goes to the thread pool while the calling thread waits for it. Prefer <see cref="ExecuteAsync(Workflow, IReadOnlyDictionary{string, object?}?, WorkflowRunOptions?, CancellationToken)"/>
    /// in servers: many simultaneous synchronous calls from thread-pool threads each hold a thread while their runs
    /// need others, so the pool has to grow (slowly) before they finish.
    /// </remarks>
    /// <param name="workflow">The workflow.</param>
    /// <param name="inputs">The run's initial variables; may be <see langword="null"/>.</param>
    /// <param name="timeout">The run's timeout; the configured default when <see langword="null"/>.</param>
    /// <returns>The run's result; <see cref="WorkflowStatus.TimedOut"/> with the steps reached when the timeout elapsed.</returns>
    WorkflowResult Execute(Workflow workflow, IReadOnlyDictionary<string, object?>? inputs = null, TimeSpan? timeout = null);

    /// <summary>Runs a registered workflow by name, synchronously.</summary>
    /// <param name="workflowName">The registered workflow's name.</param>
    /// <param name="inputs">The run's initial variables; may be <see langword="null"/>.</param>
    /// <param name="timeout">The run's timeout; the configured default when <see langword="null"/>.</param>
    /// <returns>The run's result.</returns>
    /// <exception cref="WorkflowException">No workflow has that name.</exception>
    WorkflowResult Execute(string workflowName, IReadOnlyDictionary<string, object?>? inputs = null, TimeSpan? timeout = null);
}
