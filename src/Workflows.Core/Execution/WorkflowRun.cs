using System.Collections.Concurrent;
using System.Diagnostics;

namespace Workflows;

/// <summary>
/// The mutable state of one run, owned by one engine call. Thread-safe where concurrent branches meet: the variables, the
/// usage tracker, the middleware's bag and the budget.
/// </summary>
internal sealed class WorkflowRun
{
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
        Variables = new VariableScope(inputs);
    }

    public WorkflowEngine Engine { get; }

    public Workflow Workflow { get; }

    public string WorkflowId { get; }

    public string CorrelationId { get; }

    public IServiceProvider Services { get; }

    public GenAiWorkflowOptions Options { get; }

    /// <summary>Gets the run's root variables: the inputs and the outputs of the steps outside map items.</summary>
    public VariableScope Variables { get; }

    public TokenUsageTracker Usage { get; } = new();

    public ConcurrentDictionary<string, object?> Items { get; } = new(StringComparer.Ordinal);

    public MiddlewarePipeline Middleware { get; init; } = MiddlewarePipeline.Empty;

    public BudgetGuard? Budget { get; init; }

    /// <summary>Gets where a streamed run's events go; <see langword="null"/> for runs that are not streamed. Called from concurrent branches.</summary>
    public Action<WorkflowEvent>? Events { get; init; }

    /// <summary>Gets the caller's token (not the timeout): tells a cancelled run from a timed-out one.</summary>
    public CancellationToken CallerToken { get; init; }

    /// <summary>Gets the run's token: the caller's linked with the run timeout.</summary>
    public CancellationToken RunToken { get; init; }

    /// <summary>Gets or sets the run's span, the parent of every step span (branch steps are siblings under it).</summary>
    public Activity? Activity { get; set; }
}
