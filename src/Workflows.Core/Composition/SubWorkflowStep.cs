namespace Workflows;

/// <summary>
/// Another workflow run as one step of this one: its steps run in order with this run's variables, budget, timeout and
/// middleware, and their outputs are stored under their names as if written here. The step's output is the output of
/// the sub-workflow's last completed step. Paths of its steps are <c>name/step</c>.
/// </summary>
/// <remarks>The sub-workflow's own <see cref="Workflow.Budget"/> does not apply: the enclosing run's budget does.</remarks>
public sealed class SubWorkflowStep : CompositeStep
{
    /// <summary>Initializes a new instance of the <see cref="SubWorkflowStep"/> class.</summary>
    /// <param name="name">The step's name; the sub-workflow's output is stored under it.</param>
    /// <param name="workflow">The workflow to run.</param>
    public SubWorkflowStep(string name, Workflow workflow)
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        Workflow = workflow;
    }

    /// <summary>Gets the workflow this step runs.</summary>
    public Workflow Workflow { get; }

    /// <inheritdoc />
    public override string StepType => "workflow";

    internal override IEnumerable<IReadOnlyList<WorkflowStep>> Children => [Workflow.Steps];

    /// <inheritdoc />
    public override async ValueTask<object?> ExecuteAsync(StepContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var frame = context.Inner.Child(context.Inner.PathPrefix!, token: cancellationToken);
        return OutputOrThrow(await RunSequenceAsync(context, frame, Workflow.Steps).ConfigureAwait(false), cancellationToken);
    }
}
