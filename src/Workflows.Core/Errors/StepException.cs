namespace Workflows;

/// <summary>A workflow step failed. Names the step and its type so the failure can be attributed.</summary>
public class StepException : FrameworkException
{
    /// <summary>Initializes a new instance of the <see cref="StepException"/> class.</summary>
    public StepException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="StepException"/> class with a message.</summary>
    /// <param name="message">What went wrong and how to fix it.</param>
    public StepException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="StepException"/> class with a message and a cause.</summary>
    /// <param name="message">What went wrong and how to fix it.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public StepException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="StepException"/> class for a named step.</summary>
    /// <param name="message">What went wrong and how to fix it.</param>
    /// <param name="stepName">The name of the step that failed.</param>
    /// <param name="stepType">The type name of the step that failed.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public StepException(string message, string? stepName, string? stepType, Exception? innerException = null)
        : base(message, innerException)
    {
        StepName = stepName;
        StepType = stepType;
    }

    /// <summary>Gets the name of the step that failed.</summary>
    public string? StepName { get; }

    /// <summary>Gets the type name of the step that failed.</summary>
    public string? StepType { get; }
}
