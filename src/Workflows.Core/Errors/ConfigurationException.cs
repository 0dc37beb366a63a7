namespace Workflows;

/// <summary>A configuration value or file is invalid. Names the key (or file and line) and how to fix it.</summary>
public class ConfigurationException : FrameworkException
{
    /// <summary>Initializes a new instance of the <see cref="ConfigurationException"/> class.</summary>
    public ConfigurationException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ConfigurationException"/> class with a message.</summary>
    /// <param name="message">What went wrong and how to fix it.</param>
    public ConfigurationException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ConfigurationException"/> class with a message and a cause.</summary>
    /// <param name="message">What went wrong and how to fix it.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public ConfigurationException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ConfigurationException"/> class for a key.</summary>
    /// <param name="message">What went wrong and how to fix it.</param>
    /// <param name="key">The configuration key (or file) concerned.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public ConfigurationException(string message, string? key, Exception? innerException = null)
        : base(message, innerException)
    {
        Key = key;
    }

    /// <summary>Gets the configuration key or file concerned, when known.</summary>
    public string? Key { get; }
}
