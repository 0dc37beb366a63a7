using Polly;

namespace Workflows;

/// <summary>One step of a workflow. Its output is stored in the run under the step's <see cref="Name"/>.</summary>
/// <remarks>
/// A step instance may be shared by many concurrent runs: keep per-run state in the <see cref="StepContext"/>,
/// not in fields. Steps that need services are registered with <c>AddStep&lt;T&gt;()</c> and resolved per run.
/// </remarks>
public abstract class WorkflowStep
{
    /// <summary>Initializes a new instance of the <see cref="WorkflowStep"/> class.</summary>
    /// <param name="name">The step's name, unique within its workflow; matches <c>[A-Za-z_][A-Za-z0-9_.-]*</c>.</param>
    /// <exception cref="WorkflowException">The name is not valid.</exception>
    protected WorkflowStep(string name)
    {
        StepNames.Validate(name, workflowName: null);
        Name = name;
    }

    /// <summary>Gets the step's name; later steps read its output as <c>{Name}</c>.</summary>
    public string Name { get; }

    /// <summary>
    /// Gets or sets whether a failure of this step fails the whole run. A non-critical step's failure is recorded and
    /// the run goes on.
    /// </summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool IsCritical { get; init; } = true;

    /// <summary>
    /// Gets the name of a Polly resilience pipeline registered in the container (for example with
    /// <c>services.AddResiliencePipeline(name, ...)</c>) that wraps each execution of the step: retries, timeouts.
    /// </summary>
    /// <remarks>Each try counts in <see cref="StepResult.Attempts"/>. See <see cref="RetryProviderErrors"/>.</remarks>
    public string? ResiliencePipelineName { get; init; }

    /// <summary>Gets a Polly resilience pipeline that wraps each execution of the step (used when no name is set; for engines without a container).</summary>
    public ResiliencePipeline? ResiliencePipeline { get; init; }

    /// <summary>
    /// Gets whether the step's resilience pipeline may retry a <see cref="ProviderException"/>. Off by default, because
    /// providers that speak HTTP (OpenAI) already retry transient failures; turning it on multiplies those attempts.
    /// </summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool RetryProviderErrors { get; init; }

    /// <summary>Gets the step's own timeout over all its attempts; <see langword="null"/> for none (the run's timeout still applies).</summary>
    public TimeSpan? StepTimeout { get; init; }

    /// <summary>Runs the step.</summary>
    /// <param name="context">The run's variables, services and model access.</param>
    /// <param name="cancellationToken">Cancelled when the run is cancelled or times out.</param>
    /// <returns>The step's output.</returns>
    public abstract ValueTask<object?> ExecuteAsync(StepContext context, CancellationToken cancellationToken = default);

    /// <summary>Gets a short description of the step's kind, used in results and telemetry.</summary>
    /// <value>The default value is the step's type name.</value>
    public virtual string StepType => GetType().Name;
}
