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

    public async ValueTask OnWorkflowStartAsync(MiddlewareContext context, CancellationToken cancellationToken)
    {
        foreach (var item in Middleware)
        {
            try
            {
                await item.OnWorkflowStartAsync(context, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!IsRunCancellation(ex, cancellationToken))
            {
                Handle(item, nameof(WorkflowMiddleware.OnWorkflowStartAsync), context, ex);
            }
        }
    }

    public async ValueTask<LlmRequest> BeforeLlmCallAsync(MiddlewareContext context, LlmRequest request, CancellationToken cancellationToken)
    {
        foreach (var item in Middleware)
        {
            try
            {
                request = await item.BeforeLlmCallAsync(context, request, cancellationToken).ConfigureAwait(false)
                    ?? throw new InvalidOperationException($"{item.GetType().FullName}.BeforeLlmCallAsync returned no request.");
            }
            catch (Exception ex) when (!IsRunCancellation(ex, cancellationToken))
            {
                Handle(item, nameof(WorkflowMiddleware.BeforeLlmCallAsync), context, ex);
            }
        }

        return request;
    }

    public async ValueTask<LlmResponse> AfterLlmCallAsync(
        MiddlewareContext context, LlmRequest request, LlmResponse response, CancellationToken cancellationToken)
    {
        foreach (var item in Middleware)
        {
            try
            {
                response = await item.AfterLlmCallAsync(context, request, response, cancellationToken).ConfigureAwait(false)
                    ?? throw new InvalidOperationException($"{item.GetType().FullName}.AfterLlmCallAsync returned no response.");
            }
            catch (Exception ex) when (!IsRunCancellation(ex, cancellationToken))
            {
                Handle(item, nameof(WorkflowMiddleware.AfterLlmCallAsync), context, ex);
            }
        }

        return response;
    }

    public async ValueTask OnStepErrorAsync(MiddlewareContext context, Exception exception, CancellationToken cancellationToken)
    {
        foreach (var item in Middleware)
        {
            try
            {
                await item.OnStepErrorAsync(context, exception, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!IsRunCancellation(ex, cancellationToken))
            {
                Handle(item, nameof(WorkflowMiddleware.OnStepErrorAsync), context, ex);
            }
        }
    }

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

    private static bool IsRunCancellation(Exception exception, CancellationToken cancellationToken) =>
        exception is OperationCanceledException && cancellationToken.IsCancellationRequested;

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
