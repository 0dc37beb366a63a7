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

/// <summary>The run started (before its middleware's start hooks).</summary>
public sealed record RunStartedEvent : WorkflowEvent
{
    /// <summary>Gets the run's correlation id.</summary>
    public required string CorrelationId { get; init; }
}

/// <summary>A step started.</summary>
public sealed record StepStartedEvent : WorkflowEvent
{
    /// <summary>Gets the step's name.</summary>
    public required string StepName { get; init; }

    /// <summary>Gets the step's kind (<see cref="WorkflowStep.StepType"/>).</summary>
    public required string StepType { get; init; }
}

/// <summary>A piece of text a model streamed while a step ran.</summary>
/// <remarks>
/// Deltas are the model's text as it arrives. Middleware that replaces a response in
/// <see cref="WorkflowMiddleware.AfterLlmCallAsync"/> changes the step's output, not the deltas already sent.
/// </remarks>
public sealed record TextDeltaEvent : WorkflowEvent
{
    /// <summary>Gets the name of the step whose model call streamed the text.</summary>
    public required string StepName { get; init; }

    /// <summary>Gets the text.</summary>
    public required string Text { get; init; }
}

/// <summary>A step ended, whatever its status (completed, failed, cancelled or timed out).</summary>
public sealed record StepCompletedEvent : WorkflowEvent
{
    /// <summary>Gets the step's result, the same instance the run's <see cref="WorkflowResult.Steps"/> lists.</summary>
    public required StepResult Result { get; init; }
}

/// <summary>The run ended; always the last event, also when the run failed, was cancelled or timed out.</summary>
public sealed record RunCompletedEvent : WorkflowEvent
{
    /// <summary>Gets the run's result, identical to what <c>ExecuteAsync</c> returns for the same run.</summary>
    public required WorkflowResult Result { get; init; }
}
