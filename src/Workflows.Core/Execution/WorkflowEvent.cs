namespace Workflows;

/// <summary>
/// Something that happened in a run, as <see cref="IWorkflowEngine.StreamAsync(Workflow, IReadOnlyDictionary{string, object?}?, WorkflowRunOptions?, CancellationToken)"/>
/// reports it: <see cref="RunStartedEvent"/>, then per step <see cref="StepStartedEvent"/>, any <see cref="TextDeltaEvent"/>s
/// and <see cref="StepCompletedEvent"/>, and last <see cref="RunCompletedEvent"/>.
/// </summary>
public abstract record WorkflowEvent
{
    /// <summary>Gets the workflow's name.</summary>
    public required string WorkflowName { get; init; }

    /// <summary>Gets the run's id.</summary>
    public required string WorkflowId { get; init; }

    /// <summary>Gets when the event happened.</summary>
    public required DateTimeOffset Timestamp { get; init; }
}
