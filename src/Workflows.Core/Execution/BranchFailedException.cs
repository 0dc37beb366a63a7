namespace Workflows;

/// <summary>
/// Thrown by a parallel group, map, route, loop or sub-workflow when a step inside it failed in a way that ends it: the
/// enclosing step then fails with that step's error (its path, kind and plugin), not with a new one.
/// </summary>
internal sealed class BranchFailedException(ErrorInfo error) : Exception(error.Message, error.Exception)
{
    public ErrorInfo Error { get; } = error;
}
