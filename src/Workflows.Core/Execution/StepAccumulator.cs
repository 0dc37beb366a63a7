namespace Workflows;

/// <summary>
/// What the engine tracks of one running step besides its tokens and cost (those are in the run's
/// <see cref="TokenUsageTracker"/>, by step path): calls, last model and provider, attempts, a failing provider.
/// </summary>
internal sealed class StepAccumulator(WorkflowStep step, string path, VariableScope variables)
{
    private readonly Lock _gate = new();

    public WorkflowStep Step { get; } = step;

    /// <summary>Gets the step's branch path (<c>review/pros</c>, <c>summaries[3]</c>); its name at the top level.</summary>
    public string Path { get; } = path;

    /// <summary>Gets the variables the step sees (a map item's, inside a map).</summary>
    public VariableScope Variables { get; } = variables;

    /// <summary>Gets or sets the step's span, when one is recorded.</summary>
    public System.Diagnostics.Activity? Activity { get; set; }

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
