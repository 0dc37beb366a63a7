namespace Workflows;

/// <summary>No plugin is registered under the requested name. The message lists the names that are registered.</summary>
public class PluginNotFoundException : PluginException
{
    /// <summary>Initializes a new instance of the <see cref="PluginNotFoundException"/> class.</summary>
    public PluginNotFoundException()
    {
        AvailableNames = [];
    }

    /// <summary>Initializes a new instance of the <see cref="PluginNotFoundException"/> class with a message.</summary>
    /// <param name="message">What went wrong and how to fix it.</param>
    public PluginNotFoundException(string message)
        : base(message)
    {
        AvailableNames = [];
    }

    /// <summary>Initializes a new instance of the <see cref="PluginNotFoundException"/> class with a message and a cause.</summary>
    /// <param name="message">What went wrong and how to fix it.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public PluginNotFoundException(string message, Exception? innerException)
        : base(message, innerException)
    {
        AvailableNames = [];
    }

    /// <summary>Initializes a new instance of the <see cref="PluginNotFoundException"/> class for an unknown name.</summary>
    /// <param name="kind">What kind of plugin was looked up, for example <c>provider</c>.</param>
    /// <param name="requestedName">The name that was asked for.</param>
    /// <param name="availableNames">The names that are registered.</param>
    public PluginNotFoundException(string kind, string requestedName, IReadOnlyList<string> availableNames)
        : base(BuildMessage(kind, requestedName, availableNames), requestedName, pluginType: null)
    {
        AvailableNames = availableNames;
    }

    /// <summary>Gets the names that were registered when the lookup failed.</summary>
    public IReadOnlyList<string> AvailableNames { get; }

    private static string BuildMessage(string kind, string requestedName, IReadOnlyList<string> availableNames) =>
        $"No {kind} is registered under the name '{requestedName}'. Registered {kind}s: " +
        $"{(availableNames.Count == 0 ? "(none)" : string.Join(", ", availableNames))}. " +
        $"Register it (for example with AddProvider<T>(\"{requestedName}\")) or use one of the registered names.";
}
