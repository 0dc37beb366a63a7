namespace Workflows;

/// <summary>
/// An immutable, validated workflow definition: a name and the steps run in order (some of which may be parallel groups,
/// maps, routes, loops or sub-workflows). Safe to run many times concurrently.
/// </summary>
public sealed class Workflow
{
    /// <summary>Initializes a new instance of the <see cref="Workflow"/> class.</summary>
    /// <param name="name">The workflow's name.</param>
    /// <param name="steps">The steps, in run order; at least one, with unique names.</param>
    /// <exception cref="WorkflowException">
    /// The name is empty, there are no steps, a step is null, a step name is repeated anywhere in the graph, or a template
    /// reads the output of a step that does not always complete before it.
    /// </exception>
    public Workflow(string name, IEnumerable<WorkflowStep> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new WorkflowException("A workflow needs a non-empty name. Pass a name such as \"summarize\".");
        }

        var list = steps.ToArray();
        if (list.Length == 0)
        {
            throw new WorkflowException(
                $"Workflow '{name}' has no steps. Add at least one step (for example AddLlmStep or AddTransformStep).", name);
        }

        for (var i = 0; i < list.Length; i++)
        {
            _ = list[i] ?? throw new WorkflowException($"Step {i + 1} of workflow '{name}' is null.", name);
        }

        WorkflowGraph.Validate(name, list);
        Name = name;
        Steps = list;
        AllSteps = WorkflowGraph.Index(list);
    }

    /// <summary>Gets every step of the graph (inside groups, maps, routes, loops and sub-workflows too) by name.</summary>
    internal IReadOnlyDictionary<string, WorkflowStep> AllSteps { get; }

    /// <summary>Gets the workflow's name.</summary>
    public string Name { get; }

    /// <summary>Gets the steps, in run order.</summary>
    public IReadOnlyList<WorkflowStep> Steps { get; }

    /// <summary>Gets the budget of this workflow's runs; <see langword="null"/> for the configured one.</summary>
    public RunBudget? Budget { get; init; }

    /// <summary>Starts building a workflow.</summary>
    /// <param name="name">The workflow's name.</param>
    /// <returns>A builder.</returns>
    public static WorkflowBuilder Create(string name) => new(name);
}
