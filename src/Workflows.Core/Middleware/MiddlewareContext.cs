namespace Workflows;

/// <summary>What a middleware hook sees of the run (and, for step and model-call hooks, of the step).</summary>
public sealed class MiddlewareContext
{
    private readonly WorkflowRun _run;

    private readonly IReadOnlyDictionary<string, object?> _variables;

    /// <summary>The context of the run's own hooks (start and end): no step, the run's variables.</summary>
    internal MiddlewareContext(WorkflowRun run)
        : this(run, stepName: null, providerName: null, stepPath: null, run.Variables)
    {
    }

    /// <summary>The context of a step's hooks: the step, where it runs, and the variables its scope sees.</summary>
    internal MiddlewareContext(WorkflowRun run, string? stepName, string? providerName, string? stepPath, VariableScope variables)
    {
        _run = run;
        StepName = stepName;
        StepPath = stepPath;
        ProviderName = providerName;
        _variables = variables;
    }

    /// <summary>Gets the workflow's name.</summary>
    public string WorkflowName => _run.Workflow.Name;

    /// <summary>Gets the run's state, for the library's own middleware.</summary>
    internal WorkflowRun Run => _run;

    /// <summary>Gets the run's id.</summary>
    public string WorkflowId => _run.WorkflowId;

    /// <summary>Gets the run's correlation id.</summary>
    public string CorrelationId => _run.CorrelationId;

    /// <summary>Gets the current step's name; <see langword="null"/> in workflow start and end hooks.</summary>
    public string? StepName { get; }

    /// <summary>Gets the current step's branch path (<c>review/pros</c>, <c>summaries[3]</c>); <see langword="null"/> in workflow start and end hooks.</summary>
    public string? StepPath { get; }

    /// <summary>Gets the registered provider of the model call; <see langword="null"/> outside model-call hooks.</summary>
    public string? ProviderName { get; }

    /// <summary>Gets the run's variables so far (in a step's hooks, those that step sees: a map item's too).</summary>
    public IReadOnlyDictionary<string, object?> Variables => _variables;

    /// <summary>Gets the run's token usage and cost so far.</summary>
    public TokenUsageTracker Usage => _run.Usage;

    /// <summary>Gets the run's service scope.</summary>
    public IServiceProvider Services => _run.Services;

    /// <summary>
    /// Gets a bag for the middleware's own per-run state, shared by all hooks of the run. Thread-safe (a concurrent
    /// dictionary): hooks of concurrent branches use it at the same time, so keep what you store in it thread-safe too.
    /// </summary>
    public IDictionary<string, object?> Items => _run.Items;
}
