namespace Workflows;

/// <summary>A plugin could not be registered: an empty or duplicate name, a null instance, or a type the container cannot build.</summary>
public class PluginRegistrationException : PluginException
{
    /// <summary>Initializes a new instance of the <see cref="PluginRegistrationException"/> class.</summary>
    public PluginRegistrationException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="PluginRegistrationException"/> class with a message.</summary>
    /// <param name="message">What went wrong and how to fix it.</param>
    public PluginRegistrationException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="PluginRegistrationException"/> class with a message and a cause.</summary>
    /// <param name="message">What went wrong and how to fix it.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public PluginRegistrationException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="PluginRegistrationException"/> class for a named plugin.</summary>
    /// <param name="message">What went wrong and how to fix it.</param>
    /// <param name="pluginName">The name the plugin was to be registered under.</param>
    /// <param name="pluginType">The plugin's type, when known.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public PluginRegistrationException(string message, string? pluginName, Type? pluginType, Exception? innerException = null)
        : base(message, pluginName, pluginType, innerException)
    {
    }
}
