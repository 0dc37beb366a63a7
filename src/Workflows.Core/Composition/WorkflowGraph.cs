namespace Workflows;

/// <summary>
/// Checks a workflow's whole graph when it is built: step names unique across every branch and sub-workflow, and every
/// <c>{variable}</c> a template reads that names a step produced before it on every path.
/// </summary>
/// <remarks>
/// A variable that names no step is an input the caller passes. Steps whose code reads variables (transform and DI
/// steps, route selectors, loop conditions) are not analysed.
/// </remarks>
internal static class WorkflowGraph
{
    private const string ReadingRule =
        "A step can read the inputs and the outputs of the steps that always complete before it: earlier steps, every branch " +
        "of a parallel group after the group, a map's list (not its per-item outputs), a route's output (not the steps of " +
        "its branches), and inside a loop the outputs of the loop's own steps.";

    /// <summary>Every step name inside <paramref name="steps"/>, at any depth.</summary>
    public static IEnumerable<string> NamesWithin(IEnumerable<WorkflowStep> steps) =>
        steps.SelectMany(static step => step is CompositeStep composite
            ? composite.Children.SelectMany(NamesWithin).Prepend(step.Name)
            : [step.Name]);

    /// <summary>Every step of the graph by name (names are unique once validated).</summary>
    public static Dictionary<string, WorkflowStep> Index(IEnumerable<WorkflowStep> steps)
    {
        var index = new Dictionary<string, WorkflowStep>(StringComparer.Ordinal);
        Visit(steps, step => index.TryAdd(step.Name, step));
        return index;
    }

    /// <summary>
    /// The variables the templates of the graph read (prompts, classification prompts, map item lists); <see langword="null"/>
    /// when some step's code may read any variable (a transform or DI step, a route selector, a loop condition).
    /// </summary>
    public static IReadOnlySet<string>? TemplateReads(IEnumerable<WorkflowStep> steps)
    {
        var reads = new HashSet<string>(StringComparer.Ordinal);
        var known = true;
        Visit(steps, step =>
        {
            switch (step)
            {
                case LlmStep or MapStep or ParallelStep or SubWorkflowStep:
                case RouteStep { Selector: null }:
                    reads.UnionWith(Reads(step));
                    break;
                default:
                    known = false;
                    break;
            }
        });
        return known ? reads : null;
    }

    public static void Validate(string workflowName, IReadOnlyList<WorkflowStep> steps)
    {
        var paths = new Dictionary<string, string>(StringComparer.Ordinal);
        CheckNames(workflowName, steps, prefix: string.Empty, paths);
        CheckVariableNames(workflowName, steps, paths);
        CheckFlow(workflowName, steps, prefix: string.Empty, new HashSet<string>(StringComparer.Ordinal), paths);
    }

    /// <summary>The step names available after <paramref name="steps"/> ran, on every path through them.</summary>
    public static HashSet<string> Produced(IEnumerable<WorkflowStep> steps)
    {
        var produced = new HashSet<string>(StringComparer.Ordinal);
        foreach (var step in steps)
        {
            produced.Add(step.Name);
            switch (step)
            {
                case ParallelStep parallel:
                    foreach (var branch in parallel.Branches)
                    {
                        produced.UnionWith(Produced([branch]));
                    }

                    break;
                case RouteStep route:
                    HashSet<string>? common = null;
                    foreach (var branch in route.Children)
                    {
                        var names = Produced(branch);
                        if (common is null)
                        {
                            common = names;
                        }
                        else
                        {
                            common.IntersectWith(names);
                        }
                    }

                    produced.UnionWith(common ?? []);
                    break;
                case LoopStep loop:
                    produced.UnionWith(Produced(loop.Steps));
                    break;
                case SubWorkflowStep sub:
                    produced.UnionWith(Produced(sub.Workflow.Steps));
                    break;
            }
        }

        return produced;
    }

    private static void Visit(IEnumerable<WorkflowStep> steps, Action<WorkflowStep> visit)
    {
        foreach (var step in steps)
        {
            visit(step);
            if (step is CompositeStep composite)
            {
                foreach (var child in composite.Children)
                {
                    Visit(child, visit);
                }
            }
        }
    }

    private static void CheckNames(string workflowName, IEnumerable<WorkflowStep> steps, string prefix, Dictionary<string, string> paths)
    {
        foreach (var step in steps)
        {
            var path = prefix + step.Name;
            if (!paths.TryAdd(step.Name, path))
            {
                throw new WorkflowException(
                    $"Workflow '{workflowName}' has two steps named '{step.Name}' (at '{paths[step.Name]}' and '{path}'). Step names must be unique " +
                    "across the whole workflow, branches and sub-workflows included, because later steps read outputs by name.",
                    workflowName);
            }

            var composite = step as CompositeStep;
            if (composite is null)
            {
                continue;
            }

            if (step.ResiliencePipeline is not null || step.ResiliencePipelineName is not null)
            {
                throw new WorkflowException(
                    $"Step '{path}' is a {step.StepType} step with a resilience pipeline, which would re-run every step inside it. " +
                    "Put the resilience pipeline on the steps inside it instead.",
                    workflowName);
            }

            var childPrefix = step switch
            {
                MapStep => path + "[]/",
                LoopStep => path + "[]/",
                _ => path + "/",
            };
            foreach (var child in composite.Children)
            {
                CheckNames(workflowName, child, childPrefix, paths);
            }
        }
    }

    private static void CheckVariableNames(string workflowName, IEnumerable<WorkflowStep> steps, Dictionary<string, string> paths)
    {
        Visit(steps, step =>
        {
            IEnumerable<(string Role, string Name)> names = step switch
            {
                MapStep map => [("item variable", map.ItemVariable), ("index variable", map.IndexVariable)],
                LoopStep loop => [("iteration variable", loop.IterationVariable)],
                _ => [],
            };
            foreach (var (role, name) in names)
            {
                if (paths.TryGetValue(name, out var clash))
                {
                    throw new WorkflowException(
                        $"The {role} of {step.StepType} '{step.Name}' is '{name}', which is also the name of the step '{clash}'. Rename one of them.",
                        workflowName);
                }
            }

            if (step is MapStep { ItemVariable: var item, IndexVariable: var index } && item == index)
            {
                throw new WorkflowException($"Map '{step.Name}' uses '{item}' as both its item and its index variable. Give them different names.", workflowName);
            }
        });
    }

    private static void CheckFlow(string workflowName, IEnumerable<WorkflowStep> steps, string prefix, HashSet<string> available, Dictionary<string, string> paths)
    {
        foreach (var step in steps)
        {
            var path = prefix + step.Name;
            foreach (var variable in Reads(step))
            {
                if (paths.TryGetValue(variable, out var producer) && !available.Contains(variable))
                {
                    var what = step is MapStep ? "maps over" : "reads";
                    throw new WorkflowException(
                        $"Step '{path}' {what} {{{variable}}}, but the step '{producer}' does not always complete before it. " + ReadingRule,
                        workflowName);
                }
            }

            switch (step)
            {
                case ParallelStep parallel:
                    foreach (var branch in parallel.Branches)
                    {
                        CheckFlow(workflowName, [branch], path + "/", [.. available], paths);
                    }

                    break;
                case MapStep map:
                    CheckFlow(workflowName, map.Steps, path + "[]/", [.. available, map.ItemVariable, map.IndexVariable], paths);
                    break;
                case RouteStep route:
                    foreach (var branch in route.Children)
                    {
                        CheckFlow(workflowName, branch, path + "/", [.. available], paths);
                    }

                    break;
                case LoopStep loop:
                    CheckFlow(workflowName, loop.Steps, path + "[]/", [.. available, loop.IterationVariable, .. Produced(loop.Steps)], paths);
                    break;
                case SubWorkflowStep sub:
                    CheckFlow(workflowName, sub.Workflow.Steps, path + "/", [.. available], paths);
                    break;
            }

            available.UnionWith(Produced([step]));
        }
    }

    private static IEnumerable<string> Reads(WorkflowStep step) => step switch
    {
        LlmStep llm => llm.Prompt.Variables.Concat(llm.SystemPrompt?.Variables ?? []),
        RouteStep { ClassificationPrompt: { } prompt } => prompt.Variables,
        MapStep map => [map.ItemsVariable],
        _ => [],
    };
}
