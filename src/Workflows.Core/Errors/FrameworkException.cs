namespace Workflows;

/// <summary>
/// The root of every exception the library throws on purpose. Catch it to handle all library errors in one place.
/// </summary>
public class FrameworkException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="FrameworkException"/> class.</summary>
    public FrameworkException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="FrameworkException"/> class with a message.</summary>
    /// <param name="message">What went wrong and how to fix it.</param>
    public FrameworkException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="FrameworkException"/> class with a message and a cause.</summary>
    /// <param name="message">What went wrong and how to fix it.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public FrameworkException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
