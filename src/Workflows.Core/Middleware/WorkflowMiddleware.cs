using Microsoft.Extensions.AI;

namespace Workflows;

/// <summary>
/// Watches or changes every run: hooks at workflow start and end, around every model call, and on step errors.
/// Every hook does nothing by default; override the ones you need.
/// </summary>
/// <remarks>
/// Middleware run in registration order (first registered runs first) for every hook. A hook that throws
/// <see cref="AbortException"/> stops the run, which then reports which middleware aborted and why, and keeps the
/// steps completed so far. Any other exception is logged with the middleware's type and the run goes on, unless
/// <see cref="IsCritical"/> is <see langword="true"/>, in which case it fails the run. One instance may serve many
/// concurrent runs: keep per-run state in the <see cref="MiddlewareContext"/>, not in fields.
/// </remarks>
public abstract class WorkflowMiddleware
{
    /// <summary>Gets whether an exception from this middleware fails the run (otherwise it is logged and ignored).</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public virtual bool IsCritical => false;

    /// <summary>Called once when a run starts, before its first step.</summary>
    /// <param name="context">The run.</param>
    /// <param name="cancellationToken">Cancelled with the run.</param>
    /// <returns>A task that completes when the hook is done.</returns>
    public virtual ValueTask OnWorkflowStartAsync(MiddlewareContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>
    /// Called before each model call (each round of a tool-calling step is a call); may return a changed request, for
    /// example <c>request with { Messages = ... }</c> or with cloned and changed <see cref="ChatOptions"/>.
    /// </summary>
    /// <param name="context">The run and the calling step.</param>
    /// <param name="request">The messages and options as the step (or an earlier middleware) built them; the model is resolved.</param>
    /// <param name="cancellationToken">Cancelled with the run.</param>
    /// <returns>The request to send (the same instance to leave it unchanged).</returns>
    public virtual ValueTask<ModelRequest> BeforeLlmCallAsync(MiddlewareContext context, ModelRequest request, CancellationToken cancellationToken) =>
        ValueTask.FromResult(request);

    /// <summary>Called after each successful model call; may return a changed response.</summary>
    /// <param name="context">The run and the calling step.</param>
    /// <param name="request">The request that was sent.</param>
    /// <param name="response">The response as the provider (or an earlier middleware) gave it.</param>
    /// <param name="cancellationToken">Cancelled with the run.</param>
    /// <returns>The response the step receives (the same instance to leave it unchanged).</returns>
    /// <remarks>
    /// In a streamed run the text deltas of the call have already been sent when this hook runs; a replaced response
    /// changes what the step outputs (and what <see cref="StepCompletedEvent"/> and the result show), not those deltas.
    /// </remarks>
    public virtual ValueTask<ChatResponse> AfterLlmCallAsync(
        MiddlewareContext context, ModelRequest request, ChatResponse response, CancellationToken cancellationToken) =>
        ValueTask.FromResult(response);

    /// <summary>Called when a step fails (before the engine decides whether the run goes on).</summary>
    /// <param name="context">The run and the failed step.</param>
    /// <param name="exception">What the step threw.</param>
    /// <param name="cancellationToken">Cancelled with the run.</param>
    /// <returns>A task that completes when the hook is done.</returns>
    public virtual ValueTask OnStepErrorAsync(MiddlewareContext context, Exception exception, CancellationToken cancellationToken) =>
        ValueTask.CompletedTask;

    /// <summary>Called once when a run ends, whatever its status, with its result. An abort here changes nothing.</summary>
    /// <param name="context">The run.</param>
    /// <param name="result">The run's result.</param>
    /// <param name="cancellationToken">Not cancelled by the run's own cancellation, so end-of-run work can complete.</param>
    /// <returns>A task that completes when the hook is done.</returns>
    public virtual ValueTask OnWorkflowEndAsync(MiddlewareContext context, WorkflowResult result, CancellationToken cancellationToken) =>
        ValueTask.CompletedTask;
}
