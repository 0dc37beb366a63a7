namespace Workflows;

/// <summary>A map in configuration (<c>Map:</c> of a step): steps run once per item of a list.</summary>
public sealed class MapDefinition
{
    /// <summary>Gets or sets the variable holding the items (an input or an earlier step's output).</summary>
    public string? Items { get; set; }

    /// <summary>Gets or sets the name of the item variable; <c>item</c> when unset.</summary>
    public string? ItemVariable { get; set; }

    /// <summary>Gets or sets the name of the index variable; <c>index</c> when unset.</summary>
    public string? IndexVariable { get; set; }

    /// <summary>Gets or sets the most items in flight; <c>GenAiWorkflows:MaxDegreeOfParallelism</c> when unset.</summary>
    public int? MaxConcurrency { get; set; }

    /// <summary>Gets the steps run for each item, in order.</summary>
    public IList<StepDefinition> Steps { get; } = [];

    internal MapStep ToStep(StepDefinition owner, string key, string workflowName, WorkflowDefinitionSet set, TimeSpan? timeout)
    {
        if (string.IsNullOrWhiteSpace(Items))
        {
            throw new WorkflowException($"{key}:Items is missing. Name the variable that holds the list to map over (an input or an earlier step).", workflowName);
        }

        if (MaxConcurrency is < 1 or > GenAiWorkflowOptions.MaxMaxDegreeOfParallelism)
        {
            throw new WorkflowException(
                $"{key}:MaxConcurrency is {MaxConcurrency}, but it must be from 1 to {GenAiWorkflowOptions.MaxMaxDegreeOfParallelism}.", workflowName);
        }

        return new MapStep(owner.Name!, Items, StepDefinition.Steps(Steps, $"{key}:Steps", workflowName, set))
        {
            ItemVariable = ItemVariable ?? MapStep.DefaultItemVariable,
            IndexVariable = IndexVariable ?? MapStep.DefaultIndexVariable,
            MaxConcurrency = MaxConcurrency,
            IsCritical = owner.IsCritical,
            StepTimeout = timeout,
            ResiliencePipelineName = owner.ResiliencePipeline,
        };
    }
}

/// <summary>
/// A route in configuration (<c>Route:</c> of a step): the branch under <see cref="Routes"/> whose label is the value of
/// <see cref="Variable"/>, or the label a model gives <see cref="Classify"/>; <see cref="Otherwise"/> for any other label.
/// </summary>
public sealed class RouteDefinition
{
    /// <summary>Gets or sets the variable whose value (as text, trimmed) is the label; set this or <see cref="Classify"/>.</summary>
    public string? Variable { get; set; }

    /// <summary>Gets or sets the prompt template a model classifies into one of the labels; set this or <see cref="Variable"/>.</summary>
    public string? Classify { get; set; }

    /// <summary>Gets or sets the classifying model; the provider's default when unset.</summary>
    public string? Model { get; set; }

    /// <summary>Gets or sets the classifying provider; the configured default when unset.</summary>
    public string? Provider { get; set; }

    /// <summary>Gets the branches by label (matched case-insensitively).</summary>
    public IDictionary<string, RouteBranchDefinition> Routes { get; } = new Dictionary<string, RouteBranchDefinition>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets or sets the branch for a label that matches no route; without it such a label fails the route.</summary>
    public RouteBranchDefinition? Otherwise { get; set; }

    internal RouteStep ToStep(StepDefinition owner, string key, string workflowName, WorkflowDefinitionSet set, TimeSpan? timeout)
    {
        if (Variable is null == Classify is null)
        {
            throw new WorkflowException(
                $"{key} must set exactly one of Variable (the variable whose value is the label) or Classify (a prompt a model classifies into a label).",
                workflowName);
        }

        if (Variable is not null && (Model is not null || Provider is not null))
        {
            throw new WorkflowException($"{key}:{(Model is not null ? "Model" : "Provider")} applies only to a classifying route (Classify). Remove it.", workflowName);
        }

        if (Routes.Count == 0)
        {
            throw new WorkflowException($"{key}:Routes has no branches. Add one per label, for example {key}:Routes:refund:Steps.", workflowName);
        }

        var routes = Routes.Select(r => KeyValuePair.Create(
            r.Key, (IReadOnlyList<WorkflowStep>)StepDefinition.Steps((r.Value ?? new()).Steps, $"{key}:Routes:{r.Key}:Steps", workflowName, set))).ToList();
        var otherwise = Otherwise is null ? null : StepDefinition.Steps(Otherwise.Steps, $"{key}:Otherwise:Steps", workflowName, set);
        if (Variable is { } variable)
        {
            StepNames.Validate(variable, workflowName);
            return new RouteStep(owner.Name!, context => context.TryGetVariable(variable, out var value) ? PromptTemplate.Format(value).Trim() : null, routes, otherwise)
            {
                IsCritical = owner.IsCritical,
                StepTimeout = timeout,
                ResiliencePipelineName = owner.ResiliencePipeline,
            };
        }

        return new RouteStep(owner.Name!, Classify!, routes, otherwise)
        {
            Model = Model,
            Provider = Provider,
            IsCritical = owner.IsCritical,
            StepTimeout = timeout,
            ResiliencePipelineName = owner.ResiliencePipeline,
        };
    }
}

/// <summary>One branch of a <see cref="RouteDefinition"/>.</summary>
public sealed class RouteBranchDefinition
{
    /// <summary>Gets the branch's steps, in order.</summary>
    public IList<StepDefinition> Steps { get; } = [];
}

/// <summary>A loop in configuration (<c>Loop:</c> of a step): steps repeated until <see cref="Until"/> holds, at most <see cref="MaxIterations"/> times.</summary>
public sealed class LoopDefinition
{
    /// <summary>Gets or sets the most iterations (required, at least 1).</summary>
    public int? MaxIterations { get; set; }

    /// <summary>Gets or sets the name of the iteration variable; <c>iteration</c> when unset.</summary>
    public string? IterationVariable { get; set; }

    /// <summary>Gets or sets the condition, checked after each iteration, that ends the loop (required).</summary>
    public ConditionDefinition? Until { get; set; }

    /// <summary>Gets the steps of one iteration, in order.</summary>
    public IList<StepDefinition> Steps { get; } = [];

    internal LoopStep ToStep(StepDefinition owner, string key, string workflowName, WorkflowDefinitionSet set, TimeSpan? timeout)
    {
        var max = MaxIterations ?? 0;
        if (max < 1)
        {
            throw new WorkflowException(
                $"{key}:MaxIterations is {(MaxIterations is null ? "missing" : MaxIterations)}; a loop needs a maximum number of iterations of at least 1.", workflowName);
        }

        if (Until is null)
        {
            throw new WorkflowException($"{key}:Until is missing. Give the condition that ends the loop, for example Until: {{ Variable: critique, Contains: APPROVED }}.", workflowName);
        }

        return new LoopStep(owner.Name!, StepDefinition.Steps(Steps, $"{key}:Steps", workflowName, set), Until.ToPredicate($"{key}:Until", workflowName), max)
        {
            IterationVariable = IterationVariable ?? LoopStep.DefaultIterationVariable,
            IsCritical = owner.IsCritical,
            StepTimeout = timeout,
            ResiliencePipelineName = owner.ResiliencePipeline,
        };
    }
}

/// <summary>
/// A condition over one variable's value as text: it is <see cref="EqualTo"/> a value or <see cref="Contains"/> one
/// (case-insensitive, the value trimmed). Set exactly one of them.
/// </summary>
public sealed class ConditionDefinition
{
    /// <summary>Gets or sets the variable the condition reads.</summary>
    public string? Variable { get; set; }

    /// <summary>Gets or sets the text the value must equal (case-insensitive, trimmed).</summary>
    public string? EqualTo { get; set; }

    /// <summary>Gets or sets the text the value must contain (case-insensitive).</summary>
    public string? Contains { get; set; }

    internal Func<StepContext, bool> ToPredicate(string key, string workflowName)
    {
        if (string.IsNullOrWhiteSpace(Variable))
        {
            throw new WorkflowException($"{key}:Variable is missing. Name the variable the condition reads.", workflowName);
        }

        if (EqualTo is null == Contains is null)
        {
            throw new WorkflowException($"{key} must set exactly one of EqualTo or Contains.", workflowName);
        }

        var variable = Variable;
        var expected = (EqualTo ?? Contains)!.Trim();
        var equals = EqualTo is not null;
        return context =>
        {
            var text = context.TryGetVariable(variable, out var value) ? PromptTemplate.Format(value).Trim() : string.Empty;
            return equals
                ? string.Equals(text, expected, StringComparison.OrdinalIgnoreCase)
                : text.Contains(expected, StringComparison.OrdinalIgnoreCase);
        };
    }
}
