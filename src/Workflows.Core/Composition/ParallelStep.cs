namespace Workflows;

/// <summary>
/// A group of branches that run concurrently and join before the next step. Each branch is one step (a sub-workflow for a
/// sequence); its output is stored under its own name as usual, and the group's output is a dictionary of the completed
/// branches' outputs by branch name, in branch order.
/// </summary>
/// <remarks>
/// A critical branch that fails cancels its siblings and fails the group; a non-critical branch's failure is recorded and
/// the others go on. Branches cannot read each other's outputs (checked when the workflow is built); steps after the group
/// read any of them. Branch paths are <c>group/branch</c>.
/// </remarks>
public sealed class ParallelStep : CompositeStep
{
    /// <summary>Initializes a new instance of the <see cref="ParallelStep"/> class.</summary>
    /// <param name="name">The group's name; its output (every branch's output by name) is stored under it.</param>
    /// <param name="branches">The branches, at least one.</param>
    /// <exception cref="WorkflowException">The name is not valid or there is no branch.</exception>
    public ParallelStep(string name, IEnumerable<WorkflowStep> branches)
        : base(name)
    {
        Branches = CheckSteps(branches, $"Parallel group '{name}'", "its branches");
    }

    /// <summary>Gets the branches.</summary>
    public IReadOnlyList<WorkflowStep> Branches { get; }

    /// <summary>Gets the most branches that run at once; <see langword="null"/> for the engine's <c>GenAiWorkflows:MaxDegreeOfParallelism</c>.</summary>
    public int? MaxDegreeOfParallelism
    {
        get;
        init => field = CheckLimit(value, $"Parallel group '{Name}'", nameof(MaxDegreeOfParallelism));
    }

    /// <inheritdoc />
    public override string StepType => "parallel";

    internal override IEnumerable<IReadOnlyList<WorkflowStep>> Children => Branches.Select(static b => (IReadOnlyList<WorkflowStep>)[b]);

    /// <inheritdoc />
    public override async ValueTask<object?> ExecuteAsync(StepContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var engine = context.Run.Engine;
        var results = new StepResult?[Branches.Count];
        var failure = await FanOut.RunAsync(
            context,
            Branches.Count,
            MaxDegreeOfParallelism ?? context.Options.MaxDegreeOfParallelism,
            async (group, index) =>
            {
                var branch = Branches[index];
                var frame = group.Child(group.PathPrefix!);
                var result = await engine.RunStepAsync(frame, branch, frame.PathOf(branch.Name)).ConfigureAwait(false);
                results[index] = result;
                return new FanOut.UnitOutcome(frame, result.Status == StepStatus.Failed && WorkflowEngine.StopsEnclosing(branch, result), result.Error);
            },
            cancellationToken).ConfigureAwait(false);
        if (failure is not null)
        {
            throw new BranchFailedException(failure);
        }

        cancellationToken.ThrowIfCancellationRequested();
        var outputs = new Dictionary<string, object?>(Branches.Count, StringComparer.Ordinal);
        foreach (var result in results)
        {
            if (result is { Status: StepStatus.Completed })
            {
                outputs[result.StepName] = result.Output;
            }
        }

        return outputs.AsReadOnly();
    }
}
