namespace Workflows;

/// <summary>Adds the branches of a route by label (<see cref="WorkflowBuilder.AddRoute(string, Func{StepContext, string?}, Action{RouteBuilder}, bool)"/>).</summary>
public sealed class RouteBuilder
{
    private readonly string _route;
    private readonly List<KeyValuePair<string, IReadOnlyList<WorkflowStep>>> _routes = [];

    internal RouteBuilder(string route)
    {
        _route = route;
    }

    internal IReadOnlyList<KeyValuePair<string, IReadOnlyList<WorkflowStep>>> Routes => _routes;

    internal IReadOnlyList<WorkflowStep>? OtherwiseSteps { get; private set; }

    /// <summary>Adds the branch taken for a label (matched case-insensitively).</summary>
    /// <param name="label">The label.</param>
    /// <param name="steps">Adds the branch's steps, run in order.</param>
    /// <returns>This builder.</returns>
    public RouteBuilder When(string label, Action<WorkflowBuilder> steps)
    {
        _routes.Add(new(label, WorkflowBuilder.Nested($"{_route}/{label}", steps)));
        return this;
    }

    /// <summary>Sets the branch taken when the label matches no route (without it, such a label fails the route).</summary>
    /// <param name="steps">Adds the branch's steps, run in order.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="WorkflowException">Otherwise was already set.</exception>
    public RouteBuilder Otherwise(Action<WorkflowBuilder> steps)
    {
        if (OtherwiseSteps is not null)
        {
            throw new WorkflowException($"Route '{_route}' already has an Otherwise branch; set it once.", _route);
        }

        OtherwiseSteps = WorkflowBuilder.Nested($"{_route}/otherwise", steps);
        return this;
    }
}
