namespace Workflows;

/// <summary>Builds a <see cref="Workflow"/> step by step; <see cref="Build"/> validates it.</summary>
public sealed class WorkflowBuilder
{
    private readonly List<WorkflowStep> _steps = [];
    private RunBudget? _budget;

    /// <summary>Initializes a new instance of the <see cref="WorkflowBuilder"/> class.</summary>
    /// <param name="name">The workflow's name.</param>
    public WorkflowBuilder(string name)
    {
        Name = name;
    }

    /// <summary>Gets the name of the workflow being built.</summary>
    public string Name { get; }

    /// <summary>Appends a step.</summary>
    /// <param name="step">The step.</param>
    /// <returns>This builder.</returns>
    public WorkflowBuilder AddStep(WorkflowStep step)
    {
        ArgumentNullException.ThrowIfNull(step);
        _steps.Add(step);
        return this;
    }

    /// <summary>Appends a model step.</summary>
    /// <param name="name">The step's name; later steps read its output as <c>{name}</c>.</param>
    /// <param name="prompt">The prompt template.</param>
    /// <param name="systemPrompt">An optional system prompt template.</param>
    /// <param name="model">The model; <see langword="null"/> for the configured default.</param>
    /// <param name="provider">The registered provider; <see langword="null"/> for the configured default.</param>
    /// <param name="isCritical">Whether the step's failure fails the run.</param>
    /// <returns>This builder.</returns>
    public WorkflowBuilder AddLlmStep(
        string name,
        string prompt,
        string? systemPrompt = null,
        string? model = null,
        string? provider = null,
        bool isCritical = true) =>
        AddStep(new LlmStep(name, prompt, systemPrompt) { Model = model, Provider = provider, IsCritical = isCritical });

    /// <summary>
    /// Appends a model step with structured output: the request carries <typeparamref name="T"/>'s JSON schema as the
    /// response format, and the step's output is the reply parsed as a <typeparamref name="T"/> (a reply that does not
    /// parse or validate fails the step with <see cref="StructuredOutputException"/>).
    /// </summary>
    /// <typeparam name="T">The output type.</typeparam>
    /// <param name="name">The step's name; later steps read its output as <c>{name}</c> (or <c>ctx.Get&lt;T&gt;(name)</c>).</param>
    /// <param name="prompt">The prompt template.</param>
    /// <param name="systemPrompt">An optional system prompt template.</param>
    /// <param name="model">The model; <see langword="null"/> for the provider's default.</param>
    /// <param name="provider">The registered provider; <see langword="null"/> for the configured default.</param>
    /// <param name="isCritical">Whether the step's failure fails the run.</param>
    /// <returns>This builder.</returns>
    public WorkflowBuilder AddLlmStep<T>(
        string name,
        string prompt,
        string? systemPrompt = null,
        string? model = null,
        string? provider = null,
        bool isCritical = true) =>
        AddStep(new LlmStep(name, prompt, systemPrompt) { Model = model, Provider = provider, IsCritical = isCritical, OutputType = typeof(T) });

    /// <summary>Appends a transform step with a synchronous delegate.</summary>
    /// <param name="name">The step's name.</param>
    /// <param name="transform">Computes the output from the context.</param>
    /// <param name="isCritical">Whether the step's failure fails the run.</param>
    /// <returns>This builder.</returns>
    public WorkflowBuilder AddTransformStep(string name, Func<StepContext, object?> transform, bool isCritical = true) =>
        AddStep(new TransformStep(name, transform) { IsCritical = isCritical });

    /// <summary>Appends a transform step with an asynchronous delegate.</summary>
    /// <param name="name">The step's name.</param>
    /// <param name="transform">Computes the output from the context.</param>
    /// <param name="isCritical">Whether the step's failure fails the run.</param>
    /// <returns>This builder.</returns>
    public WorkflowBuilder AddTransformStep(
        string name, Func<StepContext, CancellationToken, ValueTask<object?>> transform, bool isCritical = true) =>
        AddStep(new TransformStep(name, transform) { IsCritical = isCritical });

    /// <summary>
    /// Appends a step of type <typeparamref name="TStep"/> resolved from the run's service scope in each run
    /// (register it with <c>AddStep&lt;TStep&gt;()</c>).
    /// </summary>
    /// <typeparam name="TStep">The step type.</typeparam>
    /// <param name="name">The step's name in this workflow; the type name when <see langword="null"/>.</param>
    /// <param name="isCritical">Whether the step's failure fails the run.</param>
    /// <returns>This builder.</returns>
    /// <param name="resiliencePipeline">The name of a Polly resilience pipeline registered in the container that retries or times out the step.</param>
    /// <param name="timeout">The step's own timeout, over all its attempts; the step fails (the run goes on if it is not critical).</param>
    public WorkflowBuilder AddStep<TStep>(string? name = null, bool isCritical = true, string? resiliencePipeline = null, TimeSpan? timeout = null)
        where TStep : WorkflowStep =>
        AddStep(new ServiceStep(name ?? typeof(TStep).Name, typeof(TStep))
        {
            IsCritical = isCritical,
            ResiliencePipelineName = resiliencePipeline,
            StepTimeout = timeout,
        });

    /// <summary>Sets the budget of the workflow's runs (a run's own budget still takes precedence).</summary>
    /// <param name="budget">The token and/or cost limits.</param>
    /// <returns>This builder.</returns>
    public WorkflowBuilder WithBudget(RunBudget budget)
    {
        ArgumentNullException.ThrowIfNull(budget);
        _budget = budget;
        return this;
    }

    /// <summary>Validates and builds the workflow.</summary>
    /// <returns>The workflow.</returns>
    /// <exception cref="WorkflowException">The definition is invalid.</exception>
    public Workflow Build() => new(Name, _steps) { Budget = _budget };
}
