namespace Workflows;

/// <summary>
/// A workflow written in configuration (<c>GenAiWorkflows:Workflows:&lt;name&gt;</c>), for example in config.yaml.
/// The engine registers it under its key, so it runs by name like workflows added in code.
/// </summary>
public sealed class WorkflowDefinition
{
    /// <summary>Gets the steps, in run order.</summary>
    public IList<StepDefinition> Steps { get; } = [];

    /// <summary>Gets or sets the budget of the workflow's runs; <see langword="null"/> for the configured default.</summary>
    public RunBudget? Budget { get; set; }

    /// <summary>Builds the workflow this definition describes.</summary>
    /// <param name="name">The workflow's name (its configuration key).</param>
    /// <param name="resolveStepType">Finds a registered step type by name, for steps that set <see cref="StepDefinition.Step"/>.</param>
    /// <returns>The workflow.</returns>
    /// <exception cref="WorkflowException">The definition is invalid; the message names the configuration key of the bad entry.</exception>
    public Workflow ToWorkflow(string name, Func<string, Type?>? resolveStepType = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        // Through the set, so that a step running this workflow again is reported as the cycle it is.
        return new WorkflowDefinitionSet(new Dictionary<string, WorkflowDefinition>(StringComparer.OrdinalIgnoreCase) { [name] = this }, resolveStepType).Build(name);
    }

    /// <summary>Builds every workflow of configuration, resolving the references between them.</summary>
    /// <returns>The workflows, or for each invalid one the error.</returns>
    internal static IEnumerable<(string Name, Workflow? Workflow, WorkflowException? Error)> BuildAll(
        IDictionary<string, WorkflowDefinition> definitions, Func<string, Type?>? resolveStepType)
    {
        var set = new WorkflowDefinitionSet(definitions, resolveStepType);
        foreach (var name in definitions.Keys.ToArray())
        {
            Workflow? workflow = null;
            WorkflowException? error = null;
            try
            {
                workflow = set.Build(name);
            }
            catch (WorkflowException ex)
            {
                error = ex;
            }

            yield return (name, workflow, error);
        }
    }

    internal Workflow Build(string name, WorkflowDefinitionSet set)
    {
        var prefix = $"{GenAiWorkflowOptions.SectionName}:Workflows:{name}";
        if (Steps.Count == 0)
        {
            throw new WorkflowException($"{prefix} has no steps. Add entries under {prefix}:Steps, each with a Name and a Prompt.", name);
        }

        var steps = StepDefinition.Steps(Steps, $"{prefix}:Steps", name, set);
        try
        {
            return new Workflow(name, steps) { Budget = Budget };
        }
        catch (WorkflowException ex)
        {
            throw new WorkflowException($"{prefix}: {ex.Message}", name, ex);
        }
    }
}
