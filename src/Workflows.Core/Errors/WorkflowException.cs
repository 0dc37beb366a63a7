namespace Workflows;

/// <summary>A workflow definition is invalid or a workflow cannot be run (for example an unknown workflow name).</summary>
public class WorkflowException : FrameworkException
{
    /// <summary>Initializes a new instance of the <see cref="WorkflowException"/> class.</summary>
    public WorkflowException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="WorkflowException"/> class with a message.</summary>
    /// <param name="message">What went wrong and how to fix it.</param>
    public WorkflowException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="WorkflowException"/> class with a message and a cause.</summary>
    /// <param name="message">What went wrong and how to fix it.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public WorkflowException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="WorkflowException"/> class for a named workflow.</summary>
    /// <param name="message">What went wrong and how to fix it.</param>
    /// <param name="workflowName">The name of the workflow concerned.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public WorkflowException(string message, string? workflowName, Exception? innerException = null)
        : base(message, innerException)
    {
        WorkflowName = workflowName;
    }

    /// <summary>Gets the name of the workflow concerned, when known.</summary>
    public string? WorkflowName { get; }
}
