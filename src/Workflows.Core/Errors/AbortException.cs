namespace Workflows;

/// <summary>
/// Thrown by a middleware hook (or a step) to stop the run on purpose. The run ends as Failed with an abort
/// outcome that names the source and the reason, and keeps every step completed so far.
/// </summary>
public class AbortException : FrameworkException
{
    /// <summary>Initializes a new instance of the <see cref="AbortException"/> class.</summary>
    public AbortException()
    {
        Reason = "The run was aborted.";
    }

    /// <summary>Initializes a new instance of the <see cref="AbortException"/> class with a reason.</summary>
    /// <param name="reason">Why the run must stop; shown in the run's result.</param>
    public AbortException(string reason)
        : base(reason)
    {
        Reason = reason;
    }

    /// <summary>Initializes a new instance of the <see cref="AbortException"/> class with a reason and a cause.</summary>
    /// <param name="reason">Why the run must stop; shown in the run's result.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public AbortException(string reason, Exception? innerException)
        : base(reason, innerException)
    {
        Reason = reason;
    }

    /// <summary>Gets why the run was stopped.</summary>
    public string Reason { get; }
}
