namespace Workflows;

/// <summary>
/// A workflow slot filled, in each run, by a step resolved from the run's service scope, so the step may take scoped
/// services. The resolved step's own name is ignored; the slot's name is the one the workflow uses.
/// </summary>
internal sealed class ServiceStep : WorkflowStep
{
    public ServiceStep(string name, Type stepType)
        : base(name)
    {
        ImplementationType = stepType;
    }

    public Type ImplementationType { get; }

    public override string StepType => ImplementationType.Name;

    public override ValueTask<object?> ExecuteAsync(StepContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Resolve(context).ExecuteAsync(context, cancellationToken);
    }

    private WorkflowStep Resolve(StepContext context)
    {
        object? step;
        try
        {
            step = context.Services.GetService(ImplementationType);
        }
        catch (InvalidOperationException ex)
        {
            throw new PluginException(
                $"Step '{Name}' could not create {ImplementationType.FullName} from the container: {ex.Message}",
                Name, ImplementationType, ex);
        }

        return step as WorkflowStep ?? throw new PluginNotFoundException(
            $"Step '{Name}' needs {ImplementationType.FullName}, which is not registered in the container. " +
            $"Register it with AddStep<{ImplementationType.Name}>() in AddGenAiWorkflows(...).");
    }
}
