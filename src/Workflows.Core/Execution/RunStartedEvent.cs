namespace Workflows;

/// <summary>The run started (before its middleware's start hooks).</summary>
public sealed record RunStartedEvent : WorkflowEvent
{
    /// <summary>Gets the run's correlation id.</summary>
    public required string CorrelationId { get; init; }
}
