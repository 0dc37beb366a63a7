namespace Workflows;

/// <summary>A critical middleware threw; the run fails with the middleware named.</summary>
internal sealed class MiddlewareFailedException(Type middlewareType, string hook, Exception inner)
    : PluginException(
        $"Critical middleware {middlewareType.FullName} (assembly {middlewareType.Assembly.GetName().Name}) failed in {hook}: {inner.Message}",
        middlewareType.Name, middlewareType, inner)
{
    public Type MiddlewareType { get; } = middlewareType;
}
