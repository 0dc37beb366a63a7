using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Workflows;

/// <summary>
/// Runs the hooks of the registered middleware in registration order. Turns an <see cref="AbortException"/> into a
/// <see cref="MiddlewareAbortedException"/> and a critical middleware's failure into a
/// <see cref="MiddlewareFailedException"/>; logs and swallows a non-critical middleware's failure.
/// </summary>
internal sealed class MiddlewarePipeline(IReadOnlyList<WorkflowMiddleware> middleware, ILogger logger)
{
    public static MiddlewarePipeline Empty { get; } = new([], Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

    public IReadOnlyList<WorkflowMiddleware> Middleware { get; } = middleware;

    public bool IsEmpty => Middleware.Count == 0;

    public ValueTask OnWorkflowStartAsync(MiddlewareContext context, CancellationToken cancellationToken) =>
        ForEachAsync(nameof(WorkflowMiddleware.OnWorkflowStartAsync), context, item => item.OnWorkflowStartAsync(context, cancellationToken), cancellationToken);

    public ValueTask<ModelRequest> BeforeLlmCallAsync(MiddlewareContext context, ModelRequest request, CancellationToken cancellationToken) =>
        ThreadAsync(
            nameof(WorkflowMiddleware.BeforeLlmCallAsync), context, request,
            (item, current) => item.BeforeLlmCallAsync(context, current, cancellationToken), cancellationToken);

    public ValueTask<ChatResponse> AfterLlmCallAsync(
        MiddlewareContext context, ModelRequest request, ChatResponse response, CancellationToken cancellationToken) =>
        ThreadAsync(
            nameof(WorkflowMiddleware.AfterLlmCallAsync), context, response,
            (item, current) => item.AfterLlmCallAsync(context, request, current, cancellationToken), cancellationToken);

    public ValueTask OnStepErrorAsync(MiddlewareContext context, Exception exception, CancellationToken cancellationToken) =>
        ForEachAsync(nameof(WorkflowMiddleware.OnStepErrorAsync), context, item => item.OnStepErrorAsync(context, exception, cancellationToken), cancellationToken);

    /// <summary>Runs the end hooks; nothing they throw can change the finished result, so every failure is logged.</summary>
    public async ValueTask OnWorkflowEndAsync(MiddlewareContext context, WorkflowResult result, CancellationToken cancellationToken)
    {
        foreach (var item in Middleware)
        {
            try
            {
                await item.OnWorkflowEndAsync(context, result, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                logger.MiddlewareFailed(ex, item.GetType().FullName!, nameof(WorkflowMiddleware.OnWorkflowEndAsync), context.WorkflowName, item.IsCritical);
            }
        }
    }

    /// <summary>Runs one hook of every middleware in registration order; run cancellation passes through, other failures go to <see cref="Handle"/>.</summary>
    private async ValueTask ForEachAsync(string hook, MiddlewareContext context, Func<WorkflowMiddleware, ValueTask> invoke, CancellationToken cancellationToken)
    {
        foreach (var item in Middleware)
        {
            try
            {
                await invoke(item).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                Handle(item, hook, context, ex);
            }
        }
    }

    /// <summary>Like <see cref="ForEachAsync"/>, passing each hook's result (a request or response it may replace) to the next.</summary>
    private async ValueTask<T> ThreadAsync<T>(
        string hook, MiddlewareContext context, T value, Func<WorkflowMiddleware, T, ValueTask<T>> invoke, CancellationToken cancellationToken)
        where T : class
    {
        await ForEachAsync(
            hook,
            context,
            async item => value = await invoke(item, value).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"{item.GetType().FullName}.{hook} returned null; return the value it was given to leave it unchanged."),
            cancellationToken).ConfigureAwait(false);
        return value;
    }

    /// <summary>Returns to swallow a non-critical failure; throws for aborts and critical failures.</summary>
    private void Handle(WorkflowMiddleware item, string hook, MiddlewareContext context, Exception exception)
    {
        switch (exception)
        {
            case MiddlewareAbortedException or MiddlewareFailedException:
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(exception);
                break;
            case AbortException abort:
                throw new MiddlewareAbortedException(item.GetType(), hook, abort);
        }

        logger.MiddlewareFailed(exception, item.GetType().FullName!, hook, context.WorkflowName, item.IsCritical);
        if (item.IsCritical)
        {
            throw new MiddlewareFailedException(item.GetType(), hook, exception);
        }
    }
}
