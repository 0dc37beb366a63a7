namespace Workflows;

/// <summary>
/// Builds the workflows of configuration (<c>GenAiWorkflows:Workflows</c>) together, so that a step can run another
/// configured workflow by name (<see cref="StepDefinition.Workflow"/>): each is built once, and a cycle of references is
/// an error naming it.
/// </summary>
internal sealed class WorkflowDefinitionSet(IDictionary<string, WorkflowDefinition> definitions, Func<string, Type?>? resolveStepType)
{
    private readonly Dictionary<string, Workflow> _built = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _building = [];

    public Type? ResolveStepType(string name) => resolveStepType?.Invoke(name);

    /// <summary>Builds the workflow named <paramref name="name"/> (once).</summary>
    /// <exception cref="WorkflowException">The definition is invalid, or its references form a cycle.</exception>
    public Workflow Build(string name)
    {
        if (_built.TryGetValue(name, out var workflow))
        {
            return workflow;
        }

        var key = definitions.Keys.First(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase));
        _building.Add(key);
        try
        {
            workflow = (definitions[key] ?? new WorkflowDefinition()).Build(key, this);
        }
        finally
        {
            _building.RemoveAt(_building.Count - 1);
        }

        _built[key] = workflow;
        return workflow;
    }

    /// <summary>Resolves a step's reference to another configured workflow.</summary>
    public Workflow Reference(string name, string key, string workflowName)
    {
        if (!definitions.Keys.Any(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase)))
        {
            throw new WorkflowException(
                $"{key} is '{name}', but {GenAiWorkflowOptions.SectionName}:Workflows has no workflow of that name" +
                (definitions.Count == 0 ? "." : $" (it has {string.Join(", ", definitions.Keys)})."),
                workflowName);
        }

        if (_building.Any(b => string.Equals(b, name, StringComparison.OrdinalIgnoreCase)))
        {
            throw new WorkflowException(
                $"{key} is '{name}', which makes a cycle of workflows: {string.Join(" -> ", _building)} -> {name}. A workflow cannot run itself.",
                workflowName);
        }

        try
        {
            return Build(name);
        }
        catch (WorkflowException ex)
        {
            throw new WorkflowException($"{key} is '{name}', which is not valid: {ex.Message}", workflowName, ex);
        }
    }
}
