namespace Workflows;

/// <summary>A piece of text a model streamed while a step ran.</summary>
/// <remarks>
/// Deltas are the model's text as it arrives. Middleware that replaces a response in
/// <see cref="WorkflowMiddleware.AfterLlmCallAsync"/> changes the step's output, not the deltas already sent.
/// </remarks>
public sealed record TextDeltaEvent : WorkflowEvent
{
    /// <summary>Gets the name of the step whose model call streamed the text.</summary>
    public required string StepName { get; init; }

    /// <summary>Gets the branch path of that step (see <see cref="StepResult.Path"/>), which tells concurrent branches' deltas apart.</summary>
    public string StepPath
    {
        get => field ?? StepName;
        init;
    }

    /// <summary>Gets the text.</summary>
    public required string Text { get; init; }
}
