namespace Workflows;

/// <summary>What one step's model calls added up to; written by the engine as calls return.</summary>
internal sealed class StepAccumulator(WorkflowStep step)
{
    private readonly Lock _gate = new();

    public WorkflowStep Step { get; } = step;

    public TokenUsage Usage { get; private set; } = TokenUsage.Empty;

    public CostEstimate Cost { get; private set; } = CostEstimate.Zero;

    public int Calls { get; private set; }

    public string? Model { get; private set; }

    public string? Provider { get; private set; }

    public int Attempts { get; set; } = 1;

    /// <summary>Gets or sets the type of the provider whose call failed last, for error attribution.</summary>
    public Type? FailedProviderType { get; set; }

    public void Record(string provider, string model, TokenUsage usage, CostEstimate cost)
    {
        lock (_gate)
        {
            Usage += usage;
            Cost += cost;
            Calls++;
            Model = model;
            Provider = provider;
        }
    }
}
