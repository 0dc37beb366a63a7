namespace Workflows;

/// <summary>
/// One step of a <see cref="WorkflowDefinition"/>: a model step (<see cref="Prompt"/>) or a step type registered with
/// <c>AddStep&lt;T&gt;()</c> (<see cref="Step"/>).
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

    internal WorkflowStep ToStep(string key, string workflowName, Func<string, Type?>? resolveStepType)
    {
        if (string.IsNullOrWhiteSpace(Name))
        {
            throw new WorkflowException($"{key}:Name is missing. Give every step a name; later prompts refer to it as {{name}}.", workflowName);
        }

        if (Prompt is null == Step is null)
        {
            throw new WorkflowException(
                $"{key} (step '{Name}') must set exactly one of Prompt (a model step) or Step (a step type registered with AddStep<T>()).",
                workflowName);
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

        System.Text.Json.JsonElement? schema = null;
        if (OutputSchema is not null)
        {
            if (Step is not null)
            {
                throw new WorkflowException($"{key}:OutputSchema is set on step '{Name}', which is not a model step (it sets Step). Remove it.", workflowName);
            }

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
            if (Step is not null)
            {
                var type = resolveStepType?.Invoke(Step) ?? throw new WorkflowException(
                    $"{key}:Step is '{Step}', but no step type of that name is registered. Register it with AddStep<{Step}>().",
                    workflowName);
                return new ServiceStep(Name, type)
                {
                    IsCritical = IsCritical,
                    StepTimeout = timeout,
                    ResiliencePipelineName = ResiliencePipeline,
                    RetryProviderErrors = RetryProviderErrors,
                };
            }

            return new LlmStep(Name, Prompt!, SystemPrompt)
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
            };
        }
        catch (FormatException ex)
        {
            throw new WorkflowException($"{key} (step '{Name}') has a malformed template: {ex.Message}", workflowName, ex);
        }
        catch (WorkflowException ex) when (!ex.Message.StartsWith(key, StringComparison.Ordinal))
        {
            throw new WorkflowException($"{key}: {ex.Message}", workflowName, ex);
        }
    }
}
