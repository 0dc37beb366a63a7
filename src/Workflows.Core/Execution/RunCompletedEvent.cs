namespace Workflows;

/// <summary>The run ended; always the last event, also when the run failed, was cancelled or timed out.</summary>
public sealed record RunCompletedEvent : WorkflowEvent
{
    /// <summary>Gets the run's result, identical to what <c>ExecuteAsync</c> returns for the same run.</summary>
    public required WorkflowResult Result { get; init; }
}
