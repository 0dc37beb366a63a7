namespace Workflows;

/// <summary>
/// A step that runs other steps: a parallel group, a map, a route, a loop or a sub-workflow. The engine runs the steps
/// inside it like any step (spans, events, policies, results with their branch paths), under the run's budget, timeout
/// and cancellation.
/// </summary>
/// <remarks>Only the library defines composite steps; write a <see cref="WorkflowStep"/> for your own logic.</remarks>
public abstract class CompositeStep : WorkflowStep
{
    private protected CompositeStep(string name)
        : base(name)
    {
    }

    /// <summary>Gets every sequence of steps this step may run, for validation (a group's branches one by one, a route's branches).</summary>
    internal abstract IEnumerable<IReadOnlyList<WorkflowStep>> Children { get; }

    /// <summary>Runs a sequence of steps in a frame of its own and adds their results, in order, to this step's.</summary>
    private protected static async Task<WorkflowEngine.SequenceOutcome> RunSequenceAsync(StepContext context, StepFrame frame, IReadOnlyList<WorkflowStep> steps)
    {
        try
        {
            return await context.Run.Engine.RunSequenceAsync(frame, steps).ConfigureAwait(false);
        }
        finally
        {
            context.Inner.Results.AddRange(frame.Results);
        }
    }

    /// <summary>The output of a sequence that ran to its end; throws what ends this step otherwise.</summary>
    private protected static object? OutputOrThrow(WorkflowEngine.SequenceOutcome outcome, CancellationToken cancellationToken)
    {
        switch (outcome.Status)
        {
            case WorkflowStatus.Completed:
                return outcome.Output;
            case WorkflowStatus.Failed:
                throw new BranchFailedException(outcome.Error!);
            default:
                cancellationToken.ThrowIfCancellationRequested();
                throw new OperationCanceledException(outcome.Error?.Message);
        }
    }

    private protected static IReadOnlyList<WorkflowStep> CheckSteps(IEnumerable<WorkflowStep> steps, string owner, string what)
    {
        ArgumentNullException.ThrowIfNull(steps);
        var list = steps.ToArray();
        if (list.Length == 0)
        {
            throw new WorkflowException($"{owner} has no steps in {what}. Add at least one step.");
        }

        for (var i = 0; i < list.Length; i++)
        {
            if (list[i] is null)
            {
                throw new WorkflowException($"Step {i + 1} of {what} of {owner} is null.");
            }
        }

        return list;
    }

    private protected static int? CheckLimit(int? value, string owner, string property) => value is null or >= 1
        ? value
        : throw new ArgumentOutOfRangeException(property, value, $"{owner}: {property} must be at least 1 (or null for the engine's GenAiWorkflows:MaxDegreeOfParallelism).");
}
