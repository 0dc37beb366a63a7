namespace Workflows;

/// <summary>
/// Where a step runs in its run: the branch path it is under, the variables it sees, the token that stops it (the run's,
/// linked with the cancellation of every enclosing parallel group or map) and the list its result and its children's go to.
/// </summary>
internal sealed class StepFrame
{
    private readonly StepFrame? _parent;
    private string? _cancelReason;

    private StepFrame(WorkflowRun run, StepFrame? parent, string? pathPrefix, VariableScope variables, CancellationToken token)
    {
        Run = run;
        _parent = parent;
        PathPrefix = pathPrefix;
        Variables = variables;
        Token = token;
    }

    public WorkflowRun Run { get; }

    /// <summary>Gets the path of the enclosing step followed by <c>/</c> (or the map item's path); <see langword="null"/> at the top level.</summary>
    public string? PathPrefix { get; }

    public VariableScope Variables { get; }

    public CancellationToken Token { get; }

    /// <summary>Gets the results of the steps run in this frame, in the order the frame added them.</summary>
    public List<StepResult> Results { get; } = [];

    /// <summary>Gets why this frame's token was cancelled by its group (a sibling's failure); <see langword="null"/> if it was not.</summary>
    public string? CancelReason => Volatile.Read(ref _cancelReason) ?? _parent?.CancelReason;

    public static StepFrame ForRun(WorkflowRun run, CancellationToken token) => new(run, parent: null, pathPrefix: null, run.Variables, token);

    public string PathOf(string stepName) => PathPrefix + stepName;

    /// <summary>A frame for the children of a step: its path as their prefix, optionally other variables and a group token.</summary>
    public StepFrame Child(string pathPrefix, VariableScope? variables = null, CancellationToken? token = null) =>
        new(Run, this, pathPrefix, variables ?? Variables, token ?? Token);

    /// <summary>Records why the group that owns this frame's token cancels it, before it does.</summary>
    public void SetCancelReason(string reason) => Interlocked.CompareExchange(ref _cancelReason, reason, null);
}
