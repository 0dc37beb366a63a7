namespace Workflows;

/// <summary>A step ended, whatever its status (completed, failed, cancelled or timed out).</summary>
public sealed record StepCompletedEvent : WorkflowEvent
{
    /// <summary>Gets the step's result, the same instance the run's <see cref="WorkflowResult.Steps"/> lists.</summary>
    public required StepResult Result { get; init; }
}
