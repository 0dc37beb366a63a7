namespace Workflows;

/// <summary>
/// One step of a <see cref="WorkflowDefinition"/>: exactly one of a model step (<see cref="Prompt"/>), a step type
/// registered with <c>AddStep&lt;T&gt;()</c> (<see cref="Step"/>), a parallel group (<see cref="Parallel"/>), a map
/// (<see cref="Map"/>), a route (<see cref="Route"/>), a loop (<see cref="Loop"/>) or another configured workflow run as
/// a step (<see cref="Workflow"/>).
/// </summary>
public sealed class StepDefinition
{
    /// <summary>Gets or sets the step's name; later prompts read its output as <c>{Name}</c>.</summary>
    public string? Name { get; set; }

    /// <summary>Gets or sets the prompt template of a model step.</summary>
    public string? Prompt { get; set; }

    /// <summary>Gets or sets the system prompt template of a model step.</summary>
    public string? SystemPrompt { get; set; }

    /// <summary>Gets or sets the name of a step type registered with <c>AddStep&lt;T&gt;()</c> (class name or full name), instead of a prompt.</summary>
    public string? Step { get; set; }

    /// <summary>Gets or sets the provider of a model step; the configured default when unset.</summary>
    public string? Provider { get; set; }

    /// <summary>Gets or sets the model of a model step; the configured default when unset.</summary>
    public string? Model { get; set; }

    /// <summary>Gets or sets the temperature of a model step; the configured default when unset.</summary>
    public double? Temperature { get; set; }

    /// <summary>Gets or sets the maximum output tokens of a model step; the configured default when unset.</summary>
    public int? MaxTokens { get; set; }

    /// <summary>Gets or sets the nucleus-sampling probability mass (0 to 1) of a model step; none sent when unset.</summary>
    public double? TopP { get; set; }

    /// <summary>
    /// Gets or sets the JSON schema of a model step's structured output, as JSON text (in YAML, a block scalar: <c>OutputSchema: |</c>).
    /// The step's output is then the reply as JSON, checked against the schema.
    /// </summary>
    public string? OutputSchema { get; set; }

    /// <summary>Gets the branches of a parallel group: each entry is one step, and they run concurrently.</summary>
    public IList<StepDefinition> Parallel { get; } = [];

    /// <summary>Gets or sets the most branches of a parallel group running at once; <c>GenAiWorkflows:MaxDegreeOfParallelism</c> when unset.</summary>
    public int? MaxDegreeOfParallelism { get; set; }

    /// <summary>Gets or sets a map: steps run once per item of a list.</summary>
    public MapDefinition? Map { get; set; }

    /// <summary>Gets or sets a route: one branch of steps chosen by a variable's value or a model's classification.</summary>
    public RouteDefinition? Route { get; set; }

    /// <summary>Gets or sets a loop: steps repeated until a condition holds, at most a number of times.</summary>
    public LoopDefinition? Loop { get; set; }

    /// <summary>Gets or sets the name of another workflow under <c>GenAiWorkflows:Workflows</c> to run as this step.</summary>
    public string? Workflow { get; set; }

    /// <summary>Gets or sets whether the step's failure fails the run.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool IsCritical { get; set; } = true;

    /// <summary>Gets or sets the step's timeout in seconds over all its attempts; none when unset.</summary>
    public double? TimeoutSeconds { get; set; }

    /// <summary>Gets or sets the name of a resilience pipeline registered in the container that wraps the step.</summary>
    public string? ResiliencePipeline { get; set; }

    /// <summary>Gets or sets whether the step's resilience pipeline may retry provider errors.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool RetryProviderErrors { get; set; }

    internal WorkflowStep ToStep(string key, string workflowName, WorkflowDefinitionSet set)
    {
        if (string.IsNullOrWhiteSpace(Name))
        {
            throw new WorkflowException($"{key}:Name is missing. Give every step a name; later prompts refer to it as {{name}}.", workflowName);
        }

        var kinds = new (string Key, bool IsSet)[]
        {
            (nameof(Prompt), Prompt is not null), (nameof(Step), Step is not null), (nameof(Parallel), Parallel.Count > 0),
            (nameof(Map), Map is not null), (nameof(Route), Route is not null), (nameof(Loop), Loop is not null), (nameof(Workflow), Workflow is not null),
        }.Where(static k => k.IsSet).Select(static k => k.Key).ToArray();
        if (kinds.Length != 1)
        {
            var found = kinds.Length == 0 ? "none of them" : string.Join(" and ", kinds);
            throw new WorkflowException(
                $"{key} (step '{Name}') must set exactly one of Prompt (a model step), Step (a step type registered with AddStep<T>()), " +
                $"Parallel, Map, Route, Loop or Workflow; it sets {found}.",
                workflowName);
        }

        if (Prompt is null)
        {
            var modelOnly = new (string Key, bool IsSet)[]
            {
                (nameof(SystemPrompt), SystemPrompt is not null), (nameof(Provider), Provider is not null), (nameof(Model), Model is not null),
                (nameof(Temperature), Temperature is not null), (nameof(MaxTokens), MaxTokens is not null), (nameof(TopP), TopP is not null),
                (nameof(OutputSchema), OutputSchema is not null),
            }.Where(static k => k.IsSet).Select(static k => k.Key).ToArray();
            if (modelOnly.Length > 0)
            {
                throw new WorkflowException(
                    $"{key}:{modelOnly[0]} is set on step '{Name}', which is not a model step (it sets {kinds[0]}). " +
                    $"Remove {string.Join(", ", modelOnly)}, or set them on the model steps inside it.",
                    workflowName);
            }
        }

        if (MaxDegreeOfParallelism is not null && Parallel.Count == 0)
        {
            throw new WorkflowException($"{key}:MaxDegreeOfParallelism is set on step '{Name}', which is not a parallel group. Remove it (a map has Map:MaxConcurrency).", workflowName);
        }

        if (Temperature is < GenAiWorkflowOptions.MinTemperature or > GenAiWorkflowOptions.MaxTemperature)
        {
            throw new WorkflowException(
                FormattableString.Invariant($"{key}:Temperature is {Temperature}, but it must be from {GenAiWorkflowOptions.MinTemperature} to {GenAiWorkflowOptions.MaxTemperature}."),
                workflowName);
        }

        if (MaxTokens is < GenAiWorkflowOptions.MinMaxTokens or > GenAiWorkflowOptions.MaxMaxTokens)
        {
            throw new WorkflowException(
                $"{key}:MaxTokens is {MaxTokens}, but it must be from {GenAiWorkflowOptions.MinMaxTokens} to {GenAiWorkflowOptions.MaxMaxTokens}.",
                workflowName);
        }

        if (TopP is < 0 or > 1)
        {
            throw new WorkflowException(FormattableString.Invariant($"{key}:TopP is {TopP}, but it must be from 0 to 1."), workflowName);
        }

        if (MaxDegreeOfParallelism is < 1 or > GenAiWorkflowOptions.MaxMaxDegreeOfParallelism)
        {
            throw new WorkflowException(
                $"{key}:MaxDegreeOfParallelism is {MaxDegreeOfParallelism}, but it must be from 1 to {GenAiWorkflowOptions.MaxMaxDegreeOfParallelism}.", workflowName);
        }

        System.Text.Json.JsonElement? schema = null;
        if (OutputSchema is not null)
        {
            try
            {
                using var document = System.Text.Json.JsonDocument.Parse(OutputSchema);
                schema = document.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object
                    ? document.RootElement.Clone()
                    : throw new WorkflowException($"{key}:OutputSchema of step '{Name}' must be a JSON object (a JSON schema), not a JSON {document.RootElement.ValueKind}.", workflowName);
            }
            catch (System.Text.Json.JsonException ex)
            {
                throw new WorkflowException($"{key}:OutputSchema of step '{Name}' is not valid JSON: {ex.Message}", workflowName, ex);
            }
        }

        if (TimeoutSeconds is <= 0)
        {
            throw new WorkflowException(FormattableString.Invariant($"{key}:TimeoutSeconds is {TimeoutSeconds}, but it must be greater than 0."), workflowName);
        }

        var timeout = TimeoutSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null;
        try
        {
            return kinds[0] switch
            {
                nameof(Step) => new ServiceStep(Name, set.ResolveStepType(Step!) ?? throw new WorkflowException(
                    $"{key}:Step is '{Step}', but no step type of that name is registered. Register it with AddStep<{Step}>().",
                    workflowName))
                {
                    IsCritical = IsCritical,
                    StepTimeout = timeout,
                    ResiliencePipelineName = ResiliencePipeline,
                    RetryProviderErrors = RetryProviderErrors,
                },
                nameof(Prompt) => new LlmStep(Name, Prompt!, SystemPrompt)
                {
                    Provider = Provider,
                    Model = Model,
                    Temperature = Temperature,
                    MaxTokens = MaxTokens,
                    TopP = TopP,
                    OutputSchema = schema,
                    IsCritical = IsCritical,
                    StepTimeout = timeout,
                    ResiliencePipelineName = ResiliencePipeline,
                    RetryProviderErrors = RetryProviderErrors,
                },
                nameof(Parallel) => new ParallelStep(Name, Steps(Parallel, $"{key}:Parallel", workflowName, set))
                {
                    MaxDegreeOfParallelism = MaxDegreeOfParallelism,
                    IsCritical = IsCritical,
                    StepTimeout = timeout,
                    ResiliencePipelineName = ResiliencePipeline,
                },
                nameof(Map) => Map!.ToStep(this, $"{key}:Map", workflowName, set, timeout),
                nameof(Route) => Route!.ToStep(this, $"{key}:Route", workflowName, set, timeout),
                nameof(Loop) => Loop!.ToStep(this, $"{key}:Loop", workflowName, set, timeout),
                _ => new SubWorkflowStep(Name, set.Reference(Workflow!, $"{key}:Workflow", workflowName))
                {
                    IsCritical = IsCritical,
                    StepTimeout = timeout,
                    ResiliencePipelineName = ResiliencePipeline,
                },
            };
        }
        catch (FormatException ex)
        {
            throw new WorkflowException($"{key} (step '{Name}') has a malformed template: {ex.Message}", workflowName, ex);
        }
        catch (ArgumentException ex)
        {
            throw new WorkflowException($"{key} (step '{Name}'): {ex.Message}", workflowName, ex);
        }
        catch (WorkflowException ex) when (!ex.Message.StartsWith(GenAiWorkflowOptions.SectionName + ":", StringComparison.Ordinal))
        {
            throw new WorkflowException($"{key}: {ex.Message}", workflowName, ex);
        }
    }

    /// <summary>Builds a list of step definitions (a group's branches, a body), each named by its key.</summary>
    internal static List<WorkflowStep> Steps(IList<StepDefinition> definitions, string key, string workflowName, WorkflowDefinitionSet set)
    {
        if (definitions.Count == 0)
        {
            throw new WorkflowException($"{key} has no steps. Add entries under {key}, each with a Name and a Prompt (or Step, Parallel, Map, Route, Loop, Workflow).", workflowName);
        }

        var steps = new List<WorkflowStep>(definitions.Count);
        for (var i = 0; i < definitions.Count; i++)
        {
            var definition = definitions[i] ?? throw new WorkflowException($"{key}:{i} is empty. Give the step a Name and a Prompt.", workflowName);
            steps.Add(definition.ToStep($"{key}:{i}", workflowName, set));
        }

        return steps;
    }
}
