namespace Workflows;

/// <summary>The service provider of runs on an engine built without a container: it has no services.</summary>
internal sealed class EmptyServiceProvider : IServiceProvider
{
    public static EmptyServiceProvider Instance { get; } = new();

    public object? GetService(Type serviceType) => null;
}
