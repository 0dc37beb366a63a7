namespace Workflows;

/// <summary>A plugin (a provider, a middleware or a step type supplied by the user) failed or is misconfigured.</summary>
public class PluginException : FrameworkException
{
    /// <summary>Initializes a new instance of the <see cref="PluginException"/> class.</summary>
    public PluginException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="PluginException"/> class with a message.</summary>
    /// <param name="message">What went wrong and how to fix it.</param>
    public PluginException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="PluginException"/> class with a message and a cause.</summary>
    /// <param name="message">What went wrong and how to fix it.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public PluginException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="PluginException"/> class for a named plugin.</summary>
    /// <param name="message">What went wrong and how to fix it.</param>
    /// <param name="pluginName">The registered name of the plugin.</param>
    /// <param name="pluginType">The plugin's type, when known.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public PluginException(string message, string? pluginName, Type? pluginType, Exception? innerException = null)
        : base(message, innerException)
    {
        PluginName = pluginName;
        PluginTypeName = pluginType?.FullName;
        PluginAssemblyName = pluginType?.Assembly.GetName().Name;
    }

    /// <summary>Gets the registered name of the plugin.</summary>
    public string? PluginName { get; }

    /// <summary>Gets the full type name of the plugin, when known.</summary>
    public string? PluginTypeName { get; }

    /// <summary>Gets the name of the assembly the plugin's type comes from, when known.</summary>
    public string? PluginAssemblyName { get; }
}
