using System.Globalization;

namespace Workflows;

/// <summary>
/// Chooses one branch of steps by a label: computed from the variables by a selector, or a model's classification of a
/// prompt into one of the route labels. The chosen branch runs; the route's output is the output of the branch's last
/// completed step, so steps after the route read <c>{route}</c> whichever branch ran.
/// </summary>
/// <remarks>
/// Labels match case-insensitively. A label that matches no route takes <see cref="Otherwise"/>; without one the route
/// fails, naming the label and the routes. Steps inside a branch ran only on some paths, so steps after the route read
/// the route's output, not theirs (checked when the workflow is built). Branch paths are
/// <c>route/step</c>; the label taken is logged and set on the route's span (<c>workflows.route.selected</c>).
/// </remarks>
public sealed class RouteStep : CompositeStep
{
    private static readonly char[] Trimmed = [' ', '\t', '\r', '\n', '"', '\'', '`', '.', '!', '*', ':'];

    private readonly Dictionary<string, IReadOnlyList<WorkflowStep>> _routes;
    private LlmStep? _classifier;

    /// <summary>Initializes a route whose label is computed from the run's variables.</summary>
    /// <param name="name">The route's name; the chosen branch's output is stored under it.</param>
    /// <param name="selector">Returns the label of the branch to take (<see langword="null"/> for <see cref="Otherwise"/>).</param>
    /// <param name="routes">The branches by label (case-insensitive, unique).</param>
    /// <param name="otherwise">The branch for a label that matches no route; <see langword="null"/> to fail instead.</param>
    public RouteStep(
        string name,
        Func<StepContext, string?> selector,
        IEnumerable<KeyValuePair<string, IReadOnlyList<WorkflowStep>>> routes,
        IReadOnlyList<WorkflowStep>? otherwise = null)
        : this(name, routes, otherwise)
    {
        ArgumentNullException.ThrowIfNull(selector);
        Selector = selector;
    }

    /// <summary>Initializes a route whose label is a model's classification of a prompt.</summary>
    /// <param name="name">The route's name; the chosen branch's output is stored under it.</param>
    /// <param name="classificationPrompt">
    /// The prompt template the model classifies (for example <c>"Customer message: {message}"</c>); the system prompt asks for
    /// exactly one of the route labels.
    /// </param>
    /// <param name="routes">The branches by label (case-insensitive, unique).</param>
    /// <param name="otherwise">The branch for a reply that matches no label; <see langword="null"/> to fail instead.</param>
    public RouteStep(
        string name,
        string classificationPrompt,
        IEnumerable<KeyValuePair<string, IReadOnlyList<WorkflowStep>>> routes,
        IReadOnlyList<WorkflowStep>? otherwise = null)
        : this(name, routes, otherwise)
    {
        ArgumentNullException.ThrowIfNull(classificationPrompt);
        ClassificationPrompt = new PromptTemplate(classificationPrompt);
    }

    private RouteStep(string name, IEnumerable<KeyValuePair<string, IReadOnlyList<WorkflowStep>>> routes, IReadOnlyList<WorkflowStep>? otherwise)
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(routes);
        _routes = new Dictionary<string, IReadOnlyList<WorkflowStep>>(StringComparer.OrdinalIgnoreCase);
        foreach (var (label, steps) in routes)
        {
            if (string.IsNullOrWhiteSpace(label) || label.AsSpan().IndexOfAny('{', '}') >= 0 || label != label.Trim())
            {
                throw new WorkflowException($"Route '{name}' has the label '{label}': a label must be non-empty, without surrounding spaces or braces.");
            }

            if (!_routes.TryAdd(label, CheckSteps(steps, $"Route '{name}'", $"its branch '{label}'")))
            {
                throw new WorkflowException($"Route '{name}' has the label '{label}' twice (labels match case-insensitively). Give each branch its own label.");
            }
        }

        if (_routes.Count == 0)
        {
            throw new WorkflowException($"Route '{name}' has no branches. Add at least one with When(label, ...).");
        }

        Otherwise = otherwise is null ? null : CheckSteps(otherwise, $"Route '{name}'", "its Otherwise branch");
    }

    /// <summary>Gets the branches by label.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<WorkflowStep>> Routes => _routes;

    /// <summary>Gets the branch taken when the label matches no route; <see langword="null"/> when such a label fails the route.</summary>
    public IReadOnlyList<WorkflowStep>? Otherwise { get; }

    /// <summary>Gets the selector of a route chosen from the variables; <see langword="null"/> for a classifying route.</summary>
    public Func<StepContext, string?>? Selector { get; }

    /// <summary>Gets the prompt a classifying route's model classifies; <see langword="null"/> for a selector route.</summary>
    public PromptTemplate? ClassificationPrompt { get; }

    /// <summary>Gets the model of a classifying route; the provider's default when <see langword="null"/>.</summary>
    public string? Model { get; init; }

    /// <summary>Gets the registered provider of a classifying route; the configured default when <see langword="null"/>.</summary>
    public string? Provider { get; init; }

    /// <inheritdoc />
    public override string StepType => "route";

    internal override IEnumerable<IReadOnlyList<WorkflowStep>> Children => Otherwise is null ? _routes.Values : _routes.Values.Append(Otherwise);

    /// <inheritdoc />
    public override async ValueTask<object?> ExecuteAsync(StepContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (label, reply) = Selector is not null
            ? (Selector(context), null)
            : await ClassifyAsync(context, cancellationToken).ConfigureAwait(false);
        var taken = label is not null && _routes.TryGetValue(label, out var steps) ? steps : Otherwise;
        if (taken is null)
        {
            var chose = reply is null ? $"the label '{label ?? "(null)"}'" : $"the reply '{Shorten(reply)}'";
            throw new StepException(
                $"Route '{Name}' got {chose}, which matches none of its routes ({string.Join(", ", _routes.Keys)}), and it has no Otherwise branch. " +
                "Add an Otherwise branch or a route for it.",
                Name, StepType);
        }

        var selected = ReferenceEquals(taken, Otherwise) ? "otherwise" : _routes.First(r => ReferenceEquals(r.Value, taken)).Key;
        context.Run.Engine.RouteSelected(context, selected);
        var frame = context.Inner.Child(context.Inner.PathPrefix!, token: cancellationToken);
        return OutputOrThrow(await RunSequenceAsync(context, frame, taken).ConfigureAwait(false), cancellationToken);
    }

    private async Task<(string? Label, string Reply)> ClassifyAsync(StepContext context, CancellationToken cancellationToken)
    {
        _classifier ??= new LlmStep(
            Name,
            ClassificationPrompt!.Text,
            "Classify the user's message. Answer with exactly one of these labels and nothing else: " +
            string.Join(", ", _routes.Keys) + ".")
        {
            Model = Model,
            Provider = Provider,
            Temperature = 0,
        };
        var reply = (string?)await _classifier.ExecuteAsync(context, cancellationToken).ConfigureAwait(false) ?? string.Empty;
        return (Match(reply), reply);
    }

    /// <summary>The label a reply names: the whole reply (without quotes or a final period), else the one label it contains as a word.</summary>
    private string? Match(string reply)
    {
        var answer = reply.Trim(Trimmed);
        if (_routes.ContainsKey(answer))
        {
            return answer;
        }

        string? found = null;
        foreach (var label in _routes.Keys)
        {
            if (ContainsWord(reply, label))
            {
                if (found is not null)
                {
                    return null;
                }

                found = label;
            }
        }

        return found;
    }

    private static bool ContainsWord(string text, string word)
    {
        var start = 0;
        while ((start = text.IndexOf(word, start, StringComparison.OrdinalIgnoreCase)) >= 0)
        {
            var end = start + word.Length;
            if ((start == 0 || !char.IsLetterOrDigit(text[start - 1])) && (end == text.Length || !char.IsLetterOrDigit(text[end])))
            {
                return true;
            }

            start = end;
        }

        return false;
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : string.Create(CultureInfo.InvariantCulture, $"{text.AsSpan(0, 80)}…");
}
