namespace Workflows;

/// <summary>
/// Repeats a sequence of steps until a condition holds, at most <see cref="MaxIterations"/> times ("draft, critique, revise
/// until approved"). The condition is checked after each iteration; the loop's output is the output of the last
/// iteration's last completed step.
/// </summary>
/// <remarks>
/// Each iteration's outputs replace the previous ones under the same names, so a step reads the latest <c>{critique}</c>
/// and steps after the loop read the final ones. <see cref="IterationVariable"/> (<c>{iteration}</c>, from 1) is a
/// variable inside the loop. Iteration paths are <c>loop[iteration]/step</c>. Reaching the maximum without the condition
/// holding ends the loop normally with a warning log (event 1017); check the outputs if that matters to you.
/// </remarks>
public sealed class LoopStep : CompositeStep
{
    /// <summary>The default name of the iteration variable.</summary>
    public const string DefaultIterationVariable = "iteration";

    /// <summary>Initializes a new instance of the <see cref="LoopStep"/> class.</summary>
    /// <param name="name">The loop's name; the last iteration's output is stored under it.</param>
    /// <param name="steps">The steps of one iteration, in order.</param>
    /// <param name="until">Checked after each iteration with the loop's variables; <see langword="true"/> ends the loop.</param>
    /// <param name="maxIterations">The most iterations, at least 1.</param>
    /// <exception cref="WorkflowException">The name is not valid or there is no step.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxIterations"/> is less than 1.</exception>
    public LoopStep(string name, IEnumerable<WorkflowStep> steps, Func<StepContext, bool> until, int maxIterations)
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(until);
        if (maxIterations < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxIterations), maxIterations, $"Loop '{name}': maxIterations must be at least 1; a loop always has a bound.");
        }

        Steps = CheckSteps(steps, $"Loop '{name}'", "its body");
        Until = until;
        MaxIterations = maxIterations;
    }

    /// <summary>Gets the steps of one iteration.</summary>
    public IReadOnlyList<WorkflowStep> Steps { get; }

    /// <summary>Gets the condition that ends the loop.</summary>
    public Func<StepContext, bool> Until { get; }

    /// <summary>Gets the most iterations.</summary>
    public int MaxIterations { get; }

    /// <summary>Gets the name of the variable that holds the iteration number (from 1).</summary>
    /// <value>The default value is <c>iteration</c>.</value>
    public string IterationVariable
    {
        get;
        init => field = StepNames.Checked(value);
    } = DefaultIterationVariable;

    /// <inheritdoc />
    public override string StepType => "loop";

    internal override IEnumerable<IReadOnlyList<WorkflowStep>> Children => [Steps];

    /// <inheritdoc />
    public override async ValueTask<object?> ExecuteAsync(StepContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var owned = new HashSet<string>(StringComparer.Ordinal) { IterationVariable };
        foreach (var name in WorkflowGraph.Produced(Steps))
        {
            // A step may read a later step of the body (the previous iteration's output): empty on the first iteration
            // unless the run already has a value of that name.
            if (!context.Inner.Variables.ContainsKey(name))
            {
                context.Inner.Variables.Set(name, null);
            }
        }

        object? output = null;
        for (var iteration = 1; iteration <= MaxIterations; iteration++)
        {
            var variables = context.Inner.Variables.CreateChild(owned, KeyValuePair.Create(IterationVariable, (object?)iteration));
            var frame = context.Inner.Child($"{context.StepPath}[{iteration}]/", variables, cancellationToken);
            output = OutputOrThrow(await RunSequenceAsync(context, frame, Steps).ConfigureAwait(false), cancellationToken);
            if (Until(new StepContext(context.Run, new StepAccumulator(this, context.StepPath, variables), frame)))
            {
                return output;
            }
        }

        context.Run.Engine.LoopExhausted(context, MaxIterations);
        return output;
    }
}
