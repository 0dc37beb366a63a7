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

    /// <summary>
    /// Appends a parallel group: every step added by <paramref name="branches"/> is a branch, and the branches run
    /// concurrently and join before the next step (<c>.AddParallel("review", p => p.AddLlmStep("pros", ...).AddLlmStep("cons", ...))</c>).
    /// </summary>
    /// <param name="name">The group's name; its output is a dictionary of the branches' outputs by name (each is stored under its own name too).</param>
    /// <param name="branches">Adds the branches; add a sub-workflow (<see cref="AddWorkflow"/>) for a branch of several steps.</param>
    /// <param name="maxDegreeOfParallelism">The most branches running at once; <see langword="null"/> for <c>GenAiWorkflows:MaxDegreeOfParallelism</c>.</param>
    /// <param name="isCritical">Whether the group's failure (a critical branch failing) fails the run.</param>
    /// <returns>This builder.</returns>
    public WorkflowBuilder AddParallel(string name, Action<WorkflowBuilder> branches, int? maxDegreeOfParallelism = null, bool isCritical = true) =>
        AddStep(new ParallelStep(name, Nested(name, branches)) { MaxDegreeOfParallelism = maxDegreeOfParallelism, IsCritical = isCritical });

    /// <summary>
    /// Appends a map: the steps added by <paramref name="body"/> run once per item of the list in <paramref name="items"/>,
    /// with at most <paramref name="maxConcurrency"/> items at once, and the outputs are collected in item order
    /// (<c>.AddMap("summaries", "chunks", m => m.AddLlmStep("summary", "Summarize: {item}"))</c>).
    /// </summary>
    /// <param name="name">The map's name; the list of the items' outputs is stored under it.</param>
    /// <param name="items">The variable holding the items (an input or an earlier step's output): a list or a JSON array.</param>
    /// <param name="body">Adds the steps run for each item; they read <c>{item}</c> and <c>{index}</c>.</param>
    /// <param name="maxConcurrency">The most items in flight; <see langword="null"/> for <c>GenAiWorkflows:MaxDegreeOfParallelism</c>.</param>
    /// <param name="isCritical">Whether the map's failure (a critical mapped step failing for an item) fails the run.</param>
    /// <returns>This builder.</returns>
    public WorkflowBuilder AddMap(string name, string items, Action<WorkflowBuilder> body, int? maxConcurrency = null, bool isCritical = true) =>
        AddStep(new MapStep(name, items, Nested(name, body)) { MaxConcurrency = maxConcurrency, IsCritical = isCritical });

    /// <summary>
    /// Appends a route chosen by code over the variables
    /// (<c>.AddRoute("triage", ctx => ctx.Get&lt;string&gt;("category"), r => r.When("refund", ...).Otherwise(...))</c>).
    /// </summary>
    /// <param name="name">The route's name; the taken branch's output is stored under it.</param>
    /// <param name="selector">Returns the label of the branch to take.</param>
    /// <param name="routes">Adds the branches by label, and optionally the branch for any other label.</param>
    /// <param name="isCritical">Whether the route's failure fails the run.</param>
    /// <returns>This builder.</returns>
    public WorkflowBuilder AddRoute(string name, Func<StepContext, string?> selector, Action<RouteBuilder> routes, bool isCritical = true)
    {
        var builder = Routes(name, routes);
        return AddStep(new RouteStep(name, selector, builder.Routes, builder.OtherwiseSteps) { IsCritical = isCritical });
    }

    /// <summary>
    /// Appends a route chosen by a model's classification: the model is asked to classify <paramref name="classificationPrompt"/>
    /// into exactly one of the route labels (<c>.AddRoute("triage", "Customer message: {message}", r => r.When("refund", ...))</c>).
    /// </summary>
    /// <param name="name">The route's name; the taken branch's output is stored under it.</param>
    /// <param name="classificationPrompt">The prompt template to classify.</param>
    /// <param name="routes">Adds the branches by label, and optionally the branch for a reply that names none.</param>
    /// <param name="model">The classifying model; <see langword="null"/> for the provider's default.</param>
    /// <param name="provider">The registered provider; <see langword="null"/> for the configured default.</param>
    /// <param name="isCritical">Whether the route's failure fails the run.</param>
    /// <returns>This builder.</returns>
    public WorkflowBuilder AddRoute(
        string name, string classificationPrompt, Action<RouteBuilder> routes, string? model = null, string? provider = null, bool isCritical = true)
    {
        var builder = Routes(name, routes);
        return AddStep(new RouteStep(name, classificationPrompt, builder.Routes, builder.OtherwiseSteps)
        {
            Model = model,
            Provider = provider,
            IsCritical = isCritical,
        });
    }

    /// <summary>
    /// Appends a loop: the steps added by <paramref name="body"/> repeat until <paramref name="until"/> holds after an
    /// iteration, at most <paramref name="maxIterations"/> times ("draft, critique, revise until approved").
    /// </summary>
    /// <param name="name">The loop's name; the last iteration's output is stored under it.</param>
    /// <param name="body">Adds the steps of one iteration; they read <c>{iteration}</c> (from 1) and each other's latest outputs.</param>
    /// <param name="until">Checked after each iteration; <see langword="true"/> ends the loop.</param>
    /// <param name="maxIterations">The most iterations, at least 1 (mandatory: a loop always ends).</param>
    /// <param name="isCritical">Whether the loop's failure fails the run.</param>
    /// <returns>This builder.</returns>
    public WorkflowBuilder AddLoop(string name, Action<WorkflowBuilder> body, Func<StepContext, bool> until, int maxIterations, bool isCritical = true) =>
        AddStep(new LoopStep(name, Nested(name, body), until, maxIterations) { IsCritical = isCritical });

    /// <summary>
    /// Appends another workflow as one step: its steps run in order in this run (its outputs stored under their names, step
    /// names unique across both), and its last output is stored under <paramref name="name"/>.
    /// </summary>
    /// <param name="workflow">The workflow.</param>
    /// <param name="name">The step's name; the workflow's name when <see langword="null"/>.</param>
    /// <param name="isCritical">Whether the sub-workflow's failure fails the run.</param>
    /// <returns>This builder.</returns>
    public WorkflowBuilder AddWorkflow(Workflow workflow, string? name = null, bool isCritical = true)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        return AddStep(new SubWorkflowStep(name ?? workflow.Name, workflow) { IsCritical = isCritical });
    }

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

    /// <summary>The steps a nested builder (a group's branches, a map's body, a route's branch, a loop's body) added.</summary>
    internal static List<WorkflowStep> Nested(string owner, Action<WorkflowBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var builder = new WorkflowBuilder(owner);
        configure(builder);
        if (builder._budget is not null)
        {
            throw new WorkflowException(
                $"WithBudget was called inside '{owner}'. A budget applies to a whole run: set it on the outer workflow.", owner);
        }

        return builder._steps;
    }

    private static RouteBuilder Routes(string name, Action<RouteBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var builder = new RouteBuilder(name);
        configure(builder);
        return builder;
    }
}
