using System.Collections;
using System.Text.Json;

namespace Workflows;

/// <summary>
/// Runs a step, or a small sequence of steps, once per item of a list from the run's variables, with bounded
/// concurrency, and collects the outputs in item order: the map's output is a list with one entry per item (the output of
/// the item's last completed step; <see langword="null"/> for an item whose non-critical step failed).
/// </summary>
/// <remarks>
/// Inside an item, <see cref="ItemVariable"/> (<c>{item}</c>) and <see cref="IndexVariable"/> (<c>{index}</c>, from 0)
/// are variables, and the outputs of the item's steps are the item's own: steps after the map read the list
/// (<c>{summaries}</c>), not the per-item outputs. Item paths are <c>map[index]</c> for a single mapped step and
/// <c>map[index]/step</c> for a sequence or a mapped group, route, loop or sub-workflow (<c>map[0]/refine[2]/draft</c>). A critical mapped step that fails cancels the other items and fails the map,
/// with the error attributed to the item's path.
/// </remarks>
public sealed class MapStep : CompositeStep
{
    /// <summary>The default name of the item variable.</summary>
    public const string DefaultItemVariable = "item";

    /// <summary>The default name of the index variable.</summary>
    public const string DefaultIndexVariable = "index";

    /// <summary>Initializes a new instance of the <see cref="MapStep"/> class.</summary>
    /// <param name="name">The map's name; the list of outputs is stored under it.</param>
    /// <param name="itemsVariable">The variable holding the items: any list or sequence (not a string), or a JSON array.</param>
    /// <param name="steps">The steps run for each item, in order.</param>
    /// <exception cref="WorkflowException">A name is not valid or there is no step.</exception>
    public MapStep(string name, string itemsVariable, IEnumerable<WorkflowStep> steps)
        : base(name)
    {
        StepNames.Validate(itemsVariable, workflowName: null);
        ItemsVariable = itemsVariable;
        Steps = CheckSteps(steps, $"Map '{name}'", "its mapped body");
    }

    /// <summary>Gets the variable holding the items.</summary>
    public string ItemsVariable { get; }

    /// <summary>Gets the steps run for each item.</summary>
    public IReadOnlyList<WorkflowStep> Steps { get; }

    /// <summary>Gets the name of the variable that holds the current item.</summary>
    /// <value>The default value is <c>item</c>.</value>
    public string ItemVariable
    {
        get;
        init => field = StepNames.Checked(value);
    } = DefaultItemVariable;

    /// <summary>Gets the name of the variable that holds the current item's index (from 0).</summary>
    /// <value>The default value is <c>index</c>.</value>
    public string IndexVariable
    {
        get;
        init => field = StepNames.Checked(value);
    } = DefaultIndexVariable;

    /// <summary>Gets the most items in flight at once; <see langword="null"/> for the engine's <c>GenAiWorkflows:MaxDegreeOfParallelism</c>.</summary>
    public int? MaxConcurrency
    {
        get;
        init => field = CheckLimit(value, $"Map '{Name}'", nameof(MaxConcurrency));
    }

    /// <inheritdoc />
    public override string StepType => "map";

    internal override IEnumerable<IReadOnlyList<WorkflowStep>> Children => [Steps];

    /// <summary>Gets the names an item owns: its item and index variables and every output produced inside it.</summary>
    private IReadOnlySet<string> ItemNames => field ??= new HashSet<string>(
        WorkflowGraph.NamesWithin(Steps).Append(ItemVariable).Append(IndexVariable), StringComparer.Ordinal);

    /// <inheritdoc />
    public override async ValueTask<object?> ExecuteAsync(StepContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var items = ReadItems(context);
        var outputs = new object?[items.Count];
        var engine = context.Run.Engine;
        var owned = ItemNames;
        var path = context.StepPath;
        var failure = await FanOut.RunAsync(
            context,
            items.Count,
            MaxConcurrency ?? context.Options.MaxDegreeOfParallelism,
            async (group, index) =>
            {
                var variables = group.Variables.CreateChild(owned, KeyValuePair.Create(ItemVariable, items[index]), KeyValuePair.Create(IndexVariable, (object?)index));
                var itemPath = $"{path}[{index}]";
                var frame = group.Child(itemPath + "/", variables);
                if (Steps is [{ } single] && single is not CompositeStep)
                {
                    var result = await engine.RunStepAsync(frame, single, itemPath).ConfigureAwait(false);
                    outputs[index] = result.Status == StepStatus.Completed ? result.Output : null;
                    return new FanOut.UnitOutcome(frame, result.Status == StepStatus.Failed && WorkflowEngine.StopsEnclosing(single, result), result.Error);
                }

                var outcome = await engine.RunSequenceAsync(frame, Steps).ConfigureAwait(false);
                outputs[index] = outcome.Output;
                return new FanOut.UnitOutcome(frame, outcome.Status == WorkflowStatus.Failed, outcome.Error);
            },
            cancellationToken).ConfigureAwait(false);
        if (failure is not null)
        {
            throw new BranchFailedException(failure);
        }

        cancellationToken.ThrowIfCancellationRequested();
        return Array.AsReadOnly(outputs);
    }

    private List<object?> ReadItems(StepContext context)
    {
        if (!context.TryGetVariable(ItemsVariable, out var value))
        {
            throw new StepException(
                $"Map '{Name}' maps over the variable '{ItemsVariable}', which the run does not have. Pass it as an input or produce it in an earlier step.",
                Name, StepType);
        }

        return value switch
        {
            null => throw new StepException($"Map '{Name}' maps over the variable '{ItemsVariable}', which is null. Pass a list (an empty one for no items).", Name, StepType),
            string => throw new StepException(
                $"Map '{Name}' maps over the variable '{ItemsVariable}', which is a string, not a list. Split it into a list in a transform step first.",
                Name, StepType),
            JsonElement { ValueKind: JsonValueKind.Array } array => [.. array.EnumerateArray().Select(static e => (object?)e)],
            JsonElement element => throw new StepException(
                $"Map '{Name}' maps over the variable '{ItemsVariable}', which is a JSON {element.ValueKind}, not a JSON array.", Name, StepType),
            IEnumerable sequence => [.. sequence.Cast<object?>()],
            _ => throw new StepException(
                $"Map '{Name}' maps over the variable '{ItemsVariable}', which holds a {value.GetType().FullName}, not a list.", Name, StepType),
        };
    }
}
