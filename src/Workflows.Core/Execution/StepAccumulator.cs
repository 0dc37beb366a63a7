namespace Workflows;

/// <summary>
/// What the engine tracks of one running step besides its tokens and cost (those are in the run's
/// <see cref="TokenUsageTracker"/>, by step name): calls, last model and provider, attempts, a failing provider.
/// </summary>
internal sealed class StepAccumulator(WorkflowStep step)
{
    private readonly Lock _gate = new();

    public WorkflowStep Step { get; } = step;

    public int Calls { get; private set; }

    public string? Model { get; private set; }

    public string? Provider { get; private set; }

    public int Attempts { get; set; } = 1;

    /// <summary>Gets or sets the type of the provider whose call failed last, for error attribution.</summary>
    public Type? FailedProviderType { get; set; }

    public void RecordCall(string provider, string model)
    {
        lock (_gate)
        {
            Calls++;
            Model = model;
            Provider = provider;
        }
    }
}
