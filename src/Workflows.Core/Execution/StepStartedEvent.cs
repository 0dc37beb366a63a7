namespace Workflows;

/// <summary>A step started.</summary>
public sealed record StepStartedEvent : WorkflowEvent
{
    /// <summary>Gets the step's name.</summary>
    public required string StepName { get; init; }

    /// <summary>Gets the step's kind (<see cref="WorkflowStep.StepType"/>).</summary>
    public required string StepType { get; init; }
}
