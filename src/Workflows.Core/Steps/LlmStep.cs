namespace Workflows;

/// <summary>
/// A step that renders a <see cref="PromptTemplate"/> from the run's variables, sends it to a model and outputs the
/// answer's text. Its token usage and cost are recorded in its <see cref="StepResult"/>.
/// </summary>
/// <remarks>
/// Settings left <see langword="null"/> come from configuration (<see cref="GenAiWorkflowOptions"/>), then from the
/// <see cref="LlmRequest"/> defaults.
/// </remarks>
public sealed class LlmStep : WorkflowStep
{
    /// <summary>Initializes a new instance of the <see cref="LlmStep"/> class.</summary>
    /// <param name="name">The step's name.</param>
    /// <param name="promptTemplate">The user prompt, with <c>{variable}</c> placeholders.</param>
    /// <param name="systemPrompt">An optional system prompt, also a template.</param>
    /// <exception cref="WorkflowException">The name is not valid.</exception>
    /// <exception cref="FormatException">A template is malformed.</exception>
    public LlmStep(string name, string promptTemplate, string? systemPrompt = null)
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(promptTemplate);
        Prompt = new PromptTemplate(promptTemplate);
        SystemPrompt = systemPrompt is null ? null : new PromptTemplate(systemPrompt);
    }

    /// <summary>Gets the parsed user prompt.</summary>
    public PromptTemplate Prompt { get; }

    /// <summary>Gets the parsed system prompt, if any.</summary>
    public PromptTemplate? SystemPrompt { get; }

    /// <summary>Gets the registered provider name to call; <see langword="null"/> for the configured default.</summary>
    public string? Provider { get; init; }

    /// <summary>Gets the model; <see langword="null"/> for the configured default.</summary>
    public string? Model { get; init; }

    /// <summary>Gets the temperature; <see langword="null"/> for the configured default.</summary>
    public double? Temperature { get; init; }

    /// <summary>Gets the maximum output tokens; <see langword="null"/> for the configured default.</summary>
    public int? MaxTokens { get; init; }

    /// <inheritdoc />
    public override string StepType => "llm";

    /// <summary>Builds the request this step sends for the given variables (no model call).</summary>
    /// <param name="variables">The run's variables.</param>
    /// <param name="defaults">The configured defaults.</param>
    /// <returns>The request.</returns>
    /// <exception cref="TemplateVariableMissingException">A template variable is missing.</exception>
    public LlmRequest BuildRequest(IReadOnlyDictionary<string, object?> variables, GenAiWorkflowOptions defaults)
    {
        ArgumentNullException.ThrowIfNull(variables);
        ArgumentNullException.ThrowIfNull(defaults);
        var prompt = Prompt.Render(variables, Name);
        var system = SystemPrompt?.Render(variables, Name);
        return new LlmRequest(prompt, system)
        {
            Model = Model ?? defaults.DefaultModel,
            Temperature = Temperature ?? defaults.Temperature,
            MaxTokens = MaxTokens ?? defaults.MaxTokens,
        };
    }

    /// <inheritdoc />
    public override async ValueTask<object?> ExecuteAsync(StepContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = BuildRequest(context.Variables, context.Options);
        var response = await context.CompleteAsync(request, Provider, cancellationToken).ConfigureAwait(false);
        return response.Content;
    }
}
