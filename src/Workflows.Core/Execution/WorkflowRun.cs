namespace Workflows;

/// <summary>The mutable state of one run. Owned by one engine call; steps run one at a time.</summary>
internal sealed class WorkflowRun
{
    private readonly Dictionary<string, object?> _variables;

    public WorkflowRun(
        WorkflowEngine engine,
        Workflow workflow,
        string correlationId,
        IReadOnlyDictionary<string, object?>? inputs,
        IServiceProvider services,
        GenAiWorkflowOptions options)
    {
        Engine = engine;
        Workflow = workflow;
        WorkflowId = Guid.NewGuid().ToString();
        CorrelationId = correlationId;
        Services = services;
        Options = options;
        _variables = inputs is null ? new(StringComparer.Ordinal) : new(inputs, StringComparer.Ordinal);
    }

    public WorkflowEngine Engine { get; }

    public Workflow Workflow { get; }

    public string WorkflowId { get; }

    public string CorrelationId { get; }

    public IServiceProvider Services { get; }

    public GenAiWorkflowOptions Options { get; }

    public IReadOnlyDictionary<string, object?> Variables => _variables;

    public TokenUsageTracker Usage { get; } = new();

    public Dictionary<string, object?> Items { get; } = new(StringComparer.Ordinal);

    public MiddlewarePipeline Middleware { get; init; } = MiddlewarePipeline.Empty;

    public BudgetGuard? Budget { get; init; }

    /// <summary>Gets where a streamed run's events go; <see langword="null"/> for runs that are not streamed.</summary>
    public Action<WorkflowEvent>? Events { get; init; }

    public void SetOutput(string stepName, object? output) => _variables[stepName] = output;
}
