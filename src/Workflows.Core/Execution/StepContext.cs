using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Workflows;

/// <summary>
/// What a step sees of its run: the variables (inputs and earlier steps' outputs), the run's ids, the run's service
/// scope, and model access that is metered, observed and passed through middleware.
/// </summary>
public sealed class StepContext
{
    private readonly WorkflowRun _run;
    private readonly StepAccumulator _step;

    private readonly StepFrame? _inner;

    internal StepContext(WorkflowRun run, StepAccumulator step, StepFrame? inner)
    {
        _run = run;
        _step = step;
        _inner = inner;
    }

    /// <summary>Gets the frame the steps inside this one (a group's branches, a map's items) run in; composite steps only.</summary>
    internal StepFrame Inner => _inner ?? throw new InvalidOperationException($"Step '{StepName}' is not a composite step; only those run steps inside them.");

    internal WorkflowRun Run => _run;

    internal StepAccumulator Step => _step;

    /// <summary>Gets the workflow's name.</summary>
    public string WorkflowName => _run.Workflow.Name;

    /// <summary>Gets the run's id.</summary>
    public string WorkflowId => _run.WorkflowId;

    /// <summary>Gets the run's correlation id.</summary>
    public string CorrelationId => _run.CorrelationId;

    /// <summary>Gets the name of the step being run.</summary>
    public string StepName => _step.Step.Name;

    /// <summary>Gets the branch path of the step being run (<c>review/pros</c>, <c>summaries[3]</c>); see <see cref="StepResult.Path"/>.</summary>
    public string StepPath => _step.Path;

    /// <summary>
    /// Gets the run's variables: the caller's inputs and the outputs of the steps completed so far, by step name (inside a
    /// map item also the item, its index and the outputs of the item's steps; inside a loop the iteration number).
    /// </summary>
    public IReadOnlyDictionary<string, object?> Variables => _step.Variables;

    /// <summary>Gets the run's service scope (an empty provider when the engine runs without a container).</summary>
    public IServiceProvider Services => _run.Services;

    /// <summary>Gets the engine's settings (default provider, model, temperature, max tokens).</summary>
    public GenAiWorkflowOptions Options => _run.Options;

    /// <summary>Gets the run's token usage and cost so far.</summary>
    public TokenUsageTracker Usage => _run.Usage;

    /// <summary>Gets a logger for steps, in the category <c>Workflows.Steps</c>.</summary>
    public ILogger Logger => _run.Engine.StepLogger;

    /// <summary>Gets a variable.</summary>
    /// <param name="name">The input or step name.</param>
    /// <returns>The value.</returns>
    /// <exception cref="KeyNotFoundException">The run has no such variable; the message lists those it has.</exception>
    public object? GetVariable(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (_step.Variables.TryGetValue(name, out var value))
        {
            return value;
        }

        throw new KeyNotFoundException(
            $"Step '{StepName}' asked for the variable '{name}', which the run does not have. " +
            $"Available variables: {string.Join(", ", _step.Variables.Keys.Order(StringComparer.Ordinal))}.");
    }

    /// <summary>Gets a variable converted to <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The expected type.</typeparam>
    /// <param name="name">The input or step name.</param>
    /// <returns>The value.</returns>
    /// <exception cref="KeyNotFoundException">The run has no such variable.</exception>
    /// <exception cref="InvalidCastException">The value is not a <typeparamref name="T"/>.</exception>
    public T? Get<T>(string name)
    {
        var value = GetVariable(name);
        return value switch
        {
            null => default,
            T typed => typed,
            _ when typeof(T) == typeof(string) => (T)(object)PromptTemplate.Format(value),
            _ => throw new InvalidCastException(
                $"Variable '{name}' holds a {value.GetType().FullName}, not a {typeof(T).FullName}."),
        };
    }

    /// <summary>Tries to get a variable.</summary>
    /// <param name="name">The input or step name.</param>
    /// <param name="value">The value, when found.</param>
    /// <returns><see langword="true"/> when the run has the variable.</returns>
    public bool TryGetVariable(string name, out object? value) => _step.Variables.TryGetValue(name, out value);

    /// <summary>
    /// Calls a model for this step: through the middleware, metered (tokens and cost recorded for this step), traced,
    /// within the run's budgets, streamed as <see cref="TextDeltaEvent"/>s when the run is streamed, and with the
    /// function-invocation loop when the request's options carry tools.
    /// </summary>
    /// <param name="request">The messages and options; a <see langword="null"/> model is resolved to the provider's default.</param>
    /// <param name="providerName">The registered provider; the configured default when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The response (after middleware).</returns>
    /// <exception cref="PluginNotFoundException">No provider has that name.</exception>
    /// <exception cref="ProviderException">The provider failed.</exception>
    /// <exception cref="ModelRefusalException">The model refused the request.</exception>
    /// <exception cref="ToolException">A tool the model called threw.</exception>
    /// <exception cref="BudgetExceededException">The call would exceed the run's budget.</exception>
    public Task<ChatResponse> GetResponseAsync(ModelRequest request, string? providerName = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return _run.Engine.GetResponseAsync(_run, _step, request, providerName, cancellationToken);
    }
}
