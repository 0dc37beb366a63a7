namespace Workflows;

/// <summary>Workflows registered by name (case-insensitive), for runs by name.</summary>
internal sealed class WorkflowCatalog
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Workflow> _workflows = new(StringComparer.OrdinalIgnoreCase);

    public void Add(Workflow workflow)
    {
        lock (_gate)
        {
            if (!_workflows.TryAdd(workflow.Name, workflow))
            {
                throw new WorkflowException(
                    $"A workflow named '{workflow.Name}' is already registered; workflow names are case-insensitive. Use another name.",
                    workflow.Name);
            }
        }
    }

    public Workflow Get(string workflowName)
    {
        ArgumentNullException.ThrowIfNull(workflowName);
        lock (_gate)
        {
            if (_workflows.TryGetValue(workflowName, out var workflow))
            {
                return workflow;
            }

            var names = _workflows.Count == 0 ? "(none)" : string.Join(", ", _workflows.Keys.Order(StringComparer.OrdinalIgnoreCase));
            throw new WorkflowException(
                $"No workflow is registered under the name '{workflowName}'. Registered workflows: {names}. " +
                "Register it with AddWorkflow(name, ...) or pass the Workflow itself.",
                workflowName);
        }
    }
}
