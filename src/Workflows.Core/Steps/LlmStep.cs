using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Workflows;

/// <summary>
/// A step that renders a <see cref="PromptTemplate"/> from the run's variables, sends it to a model and outputs the
/// answer: its text, or with <see cref="OutputType"/> / <see cref="OutputSchema"/> structured output parsed from JSON.
/// Its token usage and cost are recorded in its <see cref="StepResult"/>.
/// </summary>
/// <remarks>
/// Settings left <see langword="null"/> come from configuration (<see cref="GenAiWorkflowOptions"/>); a step with no
/// <see cref="Model"/> calls the provider's default model (see <see cref="ModelRequest.Options"/>). A model refusal fails
/// the step with <see cref="ModelRefusalException"/> (<see cref="ErrorKind.Refused"/>), never becomes its output.
/// </remarks>
public sealed class LlmStep : WorkflowStep
{
    private static readonly JsonSerializerOptions OutputJsonOptions = new(JsonSerializerDefaults.Web)
    {
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        AllowTrailingCommas = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
    };

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

    /// <summary>Gets the model; <see langword="null"/> for the provider's default model.</summary>
    public string? Model { get; init; }

    /// <summary>Gets the temperature (0 to 2); <see langword="null"/> for the configured default.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside 0 to 2.</exception>
    public double? Temperature
    {
        get;
        init => field = ModelRequestValues.CheckTemperature(value, Name);
    }

    /// <summary>Gets the nucleus-sampling probability mass (0 to 1); <see langword="null"/> to send none.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside 0 to 1.</exception>
    public double? TopP
    {
        get;
        init => field = ModelRequestValues.CheckTopP(value, Name);
    }

    /// <summary>Gets the maximum output tokens (at least 1); <see langword="null"/> for the configured default.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1 or above 1,000,000.</exception>
    public int? MaxTokens
    {
        get;
        init => field = ModelRequestValues.CheckMaxTokens(value, Name);
    }

    /// <summary>
    /// Gets the tools (for example <c>AIFunctionFactory.Create(...)</c>) the model may call. The function-invocation loop runs
    /// inside the step: every round's tokens and cost count toward the step and the run, budgets are checked before every
    /// round, each call is an <c>execute_tool {name}</c> span, and a throwing tool fails the step with
    /// <see cref="ToolException"/> naming the tool.
    /// </summary>
    public IReadOnlyList<AITool>? Tools { get; init; }

    /// <summary>Gets the most model calls the tool loop may make before the model is asked to answer without tools.</summary>
    /// <value>The default value is <see cref="ModelRequest.DefaultMaxToolRounds"/>.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1.</exception>
    public int MaxToolRounds
    {
        get;
        init
        {
            if (value < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(MaxToolRounds), value, $"Step '{Name}': MaxToolRounds must be at least 1.");
            }

            field = value;
        }
    } = ModelRequest.DefaultMaxToolRounds;

    /// <summary>
    /// Gets the type the step's output is parsed into: the request carries its JSON schema as the response format, and the
    /// reply must parse as a <c>T</c> (required members present, non-nullable members not null) and pass its data
    /// annotations; otherwise the step fails with <see cref="StructuredOutputException"/>. Set by
    /// <see cref="WorkflowBuilder.AddLlmStep{T}(string, string, string?, string?, string?, bool)"/>.
    /// </summary>
    public Type? OutputType
    {
        get;
        init
        {
            field = value;
            if (value is not null)
            {
                OutputSchema = AIJsonUtilities.CreateJsonSchema(value, serializerOptions: OutputJsonOptions);
            }
        }
    }

    /// <summary>
    /// Gets the JSON schema of the output. Without <see cref="OutputType"/> the output is the reply as a
    /// <see cref="JsonElement"/>, checked against the schema's <c>type</c>, <c>required</c>, <c>properties</c>,
    /// <c>items</c> and <c>enum</c>.
    /// </summary>
    public JsonElement? OutputSchema { get; init; }

    /// <inheritdoc />
    public override string StepType => "llm";

    /// <summary>Builds the request this step sends for the given variables (no model call).</summary>
    /// <param name="variables">The run's variables.</param>
    /// <param name="defaults">The configured defaults.</param>
    /// <returns>The request; its model is <see langword="null"/> when the step names none (the engine resolves it).</returns>
    /// <exception cref="TemplateVariableMissingException">A template variable is missing.</exception>
    public ModelRequest BuildRequest(IReadOnlyDictionary<string, object?> variables, GenAiWorkflowOptions defaults)
    {
        ArgumentNullException.ThrowIfNull(variables);
        ArgumentNullException.ThrowIfNull(defaults);
        var prompt = Prompt.Render(variables, Name);
        var system = SystemPrompt?.Render(variables, Name);
        var options = new ChatOptions
        {
            ModelId = Model,
            Temperature = (float)(Temperature ?? defaults.Temperature),
            TopP = TopP is { } topP ? (float)topP : null,
            MaxOutputTokens = MaxTokens ?? defaults.MaxTokens,
        };
        if (OutputSchema is { } schema)
        {
            options.ResponseFormat = ChatResponseFormat.ForJsonSchema(schema, OutputType?.Name ?? Name);
        }

        if (Tools is { Count: > 0 } tools)
        {
            options.Tools = [.. tools];
        }

        return new ModelRequest(prompt, system) { Options = options, MaxToolRounds = MaxToolRounds };
    }

    /// <inheritdoc />
    public override async ValueTask<object?> ExecuteAsync(StepContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = BuildRequest(context.Variables, context.Options);
        var response = await context.GetResponseAsync(request, Provider, cancellationToken).ConfigureAwait(false);
        return OutputSchema is null ? response.Text : ReadStructuredOutput(response.Text);
    }

    private object ReadStructuredOutput(string text)
    {
        var json = StripCodeFence(text);
        if (OutputType is { } type)
        {
            object? value;
            try
            {
                value = JsonSerializer.Deserialize(json, type, OutputJsonOptions);
            }
            catch (JsonException ex)
            {
                throw new StructuredOutputException(
                    $"Step '{Name}' asked for a {type.Name} as JSON, but the model's reply does not parse as one: {ex.Message}", Name, ex);
            }

            if (value is null)
            {
                throw new StructuredOutputException($"Step '{Name}' asked for a {type.Name} as JSON, but the model replied null.", Name);
            }

            var problems = new List<ValidationResult>();
            if (!Validator.TryValidateObject(value, new ValidationContext(value), problems, validateAllProperties: true))
            {
                throw new StructuredOutputException(
                    $"Step '{Name}' asked for a {type.Name}, but the model's reply fails its validation: " +
                    string.Join("; ", problems.Select(static p => p.ErrorMessage)), Name);
            }

            return value;
        }

        JsonElement element;
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            element = document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new StructuredOutputException($"Step '{Name}' asked for JSON output, but the model's reply is not valid JSON: {ex.Message}", Name, ex);
        }

        var errors = JsonSchemaCheck.Validate(OutputSchema!.Value, element);
        if (errors.Count > 0)
        {
            throw new StructuredOutputException(
                $"Step '{Name}': the model's reply does not match the output schema: {string.Join("; ", errors)}", Name);
        }

        return element;
    }

    /// <summary>Some models wrap JSON in a Markdown code fence even when asked for JSON; the fence is not part of the value.</summary>
    private static string StripCodeFence(string text)
    {
        var trimmed = text.AsSpan().Trim();
        if (!trimmed.StartsWith("```", StringComparison.Ordinal) || !trimmed.EndsWith("```", StringComparison.Ordinal) || trimmed.Length < 6)
        {
            return trimmed.ToString();
        }

        var inner = trimmed[3..^3];
        var newline = inner.IndexOf('\n');
        return (newline >= 0 ? inner[(newline + 1)..] : inner).Trim().ToString();
    }
}
