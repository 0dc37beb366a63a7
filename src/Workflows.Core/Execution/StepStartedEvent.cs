namespace Workflows;

/// <summary>A step started.</summary>
public sealed record StepStartedEvent : WorkflowEvent
{
    /// <summary>Gets the step's name.</summary>
    public required string StepName { get; init; }

    /// <summary>Gets the step's branch path (see <see cref="StepResult.Path"/>), which tells concurrent branches' events apart.</summary>
    public string StepPath
    {
        get => field ?? StepName;
        init;
    }

    /// <summary>Gets the step's kind (<see cref="WorkflowStep.StepType"/>).</summary>
    public required string StepType { get; init; }
}
