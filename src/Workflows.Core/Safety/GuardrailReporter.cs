using System.Collections;
using System.Diagnostics;
using System.Text.Json;
using static Workflows.TelemetryNames;

namespace Workflows;

/// <summary>
/// The telemetry of one guardrail check: an <c>apply_guardrail {name}</c> span with a <c>gen_ai.guardrail.result</c>
/// event, the <c>workflows.guardrail.findings</c> counter and a log entry. Only names, types, counts and decisions are
/// recorded, never the inspected text.
/// </summary>
internal static class GuardrailReporter
{
    private const int MaxDepth = 16;

    public static Activity? Start(MiddlewareContext context, string guardrail, string targetKind)
    {
        if (!WorkflowInstrumentation.Source.HasListeners())
        {
            return null;
        }

        var activity = WorkflowInstrumentation.Source.StartActivity(
            ActivityKind.Internal,
            tags:
            [
                new(Attributes.OperationName, Operations.ApplyGuardrail),
                new(Attributes.GuardrailName, guardrail),
                new(Attributes.GuardrailTarget, targetKind),
                new(Attributes.WorkflowName, context.WorkflowName),
                new(Attributes.WorkflowId, context.WorkflowId),
            ],
            name: $"{Operations.ApplyGuardrail} {guardrail}");
        if (activity is not null && context.StepName is { } step)
        {
            activity.SetTag(Attributes.StepName, step);
        }

        return activity;
    }

    /// <summary>Records the outcome of a check.</summary>
    /// <param name="activity">The check's span, or <see langword="null"/>.</param>
    /// <param name="context">The run.</param>
    /// <param name="guardrail">The guardrail's name.</param>
    /// <param name="target">Where the findings were, for the log entry (an input's or step's name; never a value);
    /// <see langword="null"/> writes none (nothing was found, or the caller logs a more specific entry).</param>
    /// <param name="decision">One of the <c>Decision*</c> values.</param>
    /// <param name="findingTypes">One entry per finding: its type or pattern name.</param>
    /// <param name="checkedCount">How many texts were inspected.</param>
    public static void Complete(
        Activity? activity, MiddlewareContext context, string guardrail, string? target, string decision, IReadOnlyList<string> findingTypes,
        int checkedCount)
    {
        var types = findingTypes.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        if (activity is not null)
        {
            activity.SetTag(Attributes.GuardrailDecision, decision);
            if (types.Length > 0)
            {
                activity.SetTag(Attributes.GuardrailFindingTypes, types);
            }

            activity.AddEvent(new ActivityEvent(
                Events.GuardrailResult,
                tags: new ActivityTagsCollection
                {
                    [Attributes.GuardrailName] = guardrail,
                    [Attributes.GuardrailDecision] = decision,
                    [Attributes.GuardrailFindingCount] = findingTypes.Count,
                    [Attributes.GuardrailCheckedCount] = checkedCount,
                }));
            if (decision == Values.DecisionBlocked)
            {
                activity.SetTag(Attributes.ErrorType, typeof(GuardrailBlockedException).FullName);
                activity.SetStatus(ActivityStatusCode.Error, $"Blocked by the {guardrail} guardrail.");
            }

            activity.Dispose();
        }

        var engine = context.Run.Engine;
        var counter = engine.Instrumentation.GuardrailFindings;
        if (counter.Enabled)
        {
            foreach (var group in findingTypes.GroupBy(static t => t, StringComparer.Ordinal))
            {
                counter.Add(
                    group.Count(),
                    new KeyValuePair<string, object?>(Attributes.GuardrailName, guardrail),
                    new KeyValuePair<string, object?>(Attributes.GuardrailFindingType, group.Key),
                    new KeyValuePair<string, object?>(Attributes.GuardrailDecision, decision));
            }
        }

        if (target is null)
        {
            return;
        }

        var logger = engine.SafetyLogger;
        var typeList = string.Join(", ", types);
        switch (decision)
        {
            case Values.DecisionBlocked:
                logger.GuardrailBlocked(guardrail, context.WorkflowName, context.WorkflowId, target, findingTypes.Count, typeList);
                break;
            case Values.DecisionRedacted:
                logger.GuardrailRedacted(guardrail, context.WorkflowName, context.WorkflowId, target, findingTypes.Count, typeList);
                break;
            case Values.DecisionWarned:
                logger.GuardrailWarned(guardrail, context.WorkflowName, context.WorkflowId, target, findingTypes.Count, typeList);
                break;
        }
    }

    /// <summary>The strings in a run input: the value itself, or the keys, values and items of collections, dictionaries and JSON.</summary>
    public static IEnumerable<string> Strings(object? value) => Strings(value, 0);

    /// <summary>The size of an input in characters: the total length of its <see cref="Strings(object?)"/>.</summary>
    public static long Size(object? value)
    {
        long size = 0;
        foreach (var text in Strings(value))
        {
            size += text.Length;
        }

        return size;
    }

    // A switch expression over helpers rather than one iterator with a switch statement: Stryker cannot mutate
    // "yield break" inside switch sections without breaking the build, and would then leave the whole method unmutated.
    private static IEnumerable<string> Strings(object? value, int depth) => value switch
    {
        null => [],
        string text => [text],
        JsonElement json => JsonStrings(json, depth),
        Array array when array.GetType().GetElementType() is { IsPrimitive: true } => [],
        IDictionary dictionary when depth < MaxDepth => DictionaryStrings(dictionary, depth),
        IEnumerable items when depth < MaxDepth => ItemStrings(items, depth),
        _ => [],
    };

    private static IEnumerable<string> DictionaryStrings(IDictionary dictionary, int depth)
    {
        foreach (DictionaryEntry entry in dictionary)
        {
            foreach (var text in Strings(entry.Key, depth + 1).Concat(Strings(entry.Value, depth + 1)))
            {
                yield return text;
            }
        }
    }

    private static IEnumerable<string> ItemStrings(IEnumerable items, int depth)
    {
        foreach (var item in items)
        {
            // Generic dictionaries that are not IDictionary enumerate KeyValuePair<,>; read both sides.
            var type = item?.GetType();
            var parts = type is { IsGenericType: true } && type.GetGenericTypeDefinition() == typeof(KeyValuePair<,>)
                ? Strings(type.GetProperty("Key")!.GetValue(item), depth + 1).Concat(Strings(type.GetProperty("Value")!.GetValue(item), depth + 1))
                : Strings(item, depth + 1);
            foreach (var text in parts)
            {
                yield return text;
            }
        }
    }

    private static IEnumerable<string> JsonStrings(JsonElement json, int depth)
    {
        switch (json.ValueKind)
        {
            case JsonValueKind.String:
                yield return json.GetString()!;
                break;
            case JsonValueKind.Array when depth < MaxDepth:
                foreach (var item in json.EnumerateArray())
                {
                    foreach (var text in JsonStrings(item, depth + 1))
                    {
                        yield return text;
                    }
                }

                break;
            case JsonValueKind.Object when depth < MaxDepth:
                foreach (var property in json.EnumerateObject())
                {
                    yield return property.Name;
                    foreach (var text in JsonStrings(property.Value, depth + 1))
                    {
                        yield return text;
                    }
                }

                break;
        }
    }
}
