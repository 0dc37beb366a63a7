namespace Workflows;

/// <summary>A middleware hook aborted the run; carries the middleware's type and reason to the result.</summary>
internal sealed class MiddlewareAbortedException(Type middlewareType, string hook, AbortException abort)
    : AbortException($"Middleware {middlewareType.FullName} aborted the run in {hook}: {abort.Reason}", abort)
{
    public Type MiddlewareType { get; } = middlewareType;

    public string Hook { get; } = hook;
}
