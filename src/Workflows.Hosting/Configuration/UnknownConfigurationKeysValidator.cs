using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Options;

namespace Workflows.Hosting;

/// <summary>
/// Reports keys under <c>GenAiWorkflows</c> that nothing reads (a typo such as <c>Temprature</c>) with the key path, where it
/// was set and the nearest valid key, so that host start fails instead of the setting being silently ignored.
/// </summary>
/// <remarks>
/// Known keys are the bindable properties of <see cref="GenAiWorkflowOptions"/> and, recursively, of its settings objects
/// (<c>Budget</c>, <c>Pricing:&lt;model&gt;</c>, <c>Workflows:&lt;name&gt;</c>, <c>Workflows:&lt;name&gt;:Steps:&lt;i&gt;</c>),
/// plus the sections declared with <c>AddConfigurationSection</c> (always <c>Providers</c>), which their owners check.
/// Keys below a single value (<c>Safety:Pii:Action:Mode</c>, <c>DisabledRecognizers:0:Name</c>) and a value given to a key
/// that holds settings or a list (<c>Budget: 5</c>, <c>Safety: on</c>, <c>Workflows:article: x</c>) are reported too: the
/// binder would ignore both.
/// </remarks>
internal sealed class UnknownConfigurationKeysValidator(
    IEnumerable<ConfigurationSectionRegistration> sections, IConfiguration? configuration = null) : IValidateOptions<GenAiWorkflowOptions>
{
    /// <summary>Sections under <c>GenAiWorkflows</c> that are always owned by something else.</summary>
    public static readonly IReadOnlyList<string> OwnedSections = ["Providers"];

    private const int MaxDepth = 32;

    private readonly Dictionary<string, Type> _typedSections = sections.Where(static s => s.OptionsType is not null)
        .GroupBy(static s => s.Key, StringComparer.OrdinalIgnoreCase)
        .ToDictionary(static g => g.Key, static g => g.First().OptionsType!, StringComparer.OrdinalIgnoreCase);

    public ValidateOptionsResult Validate(string? name, GenAiWorkflowOptions options)
    {
        if (configuration is null || (name is not null && name != Options.DefaultName))
        {
            return ValidateOptionsResult.Skip;
        }

        var owned = OwnedSections.Concat(sections.Select(static s => s.Key)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var failures = new List<string>();
        Check(configuration.GetSection(GenAiWorkflowOptions.SectionName), typeof(GenAiWorkflowOptions), owned, failures, depth: 0);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private void Check(IConfigurationSection section, Type type, HashSet<string>? owned, List<string> failures, int depth)
    {
        var properties = BindableProperties(type);
        foreach (var child in section.GetChildren())
        {
            if (owned?.Contains(child.Key) == true)
            {
                if (_typedSections.TryGetValue(child.Key, out var sectionType))
                {
                    ReportValue(child, SettingsOf(sectionType), failures);
                    Check(child, sectionType, owned: null, failures, depth + 1);
                }

                continue;
            }

            var property = properties.FirstOrDefault(p => string.Equals(p.Name, child.Key, StringComparison.OrdinalIgnoreCase));
            if (property is null)
            {
                var valid = properties.Select(static p => p.Name).Concat(owned ?? []).ToArray();
                failures.Add(Describe(child, valid));
                continue;
            }

            if (depth < MaxDepth)
            {
                CheckValue(child, property.PropertyType, failures, depth);
            }
        }
    }

    /// <summary>
    /// Checks what is set for a property (or for an entry of a list or dictionary) of the given type: a list's entries, a
    /// settings object's keys, or nothing below a single value (<c>MaxTokens</c>, <c>Safety:Pii:Action</c>, an entry of
    /// <c>DisabledRecognizers</c>), where the binder would ignore any key.
    /// </summary>
    private void CheckValue(IConfigurationSection section, Type type, List<string> failures, int depth)
    {
        if (ElementType(type) is { } elementType)
        {
            ReportValue(section, "a list of entries", failures);
            foreach (var item in section.GetChildren())
            {
                CheckValue(item, elementType, failures, depth);
            }
        }
        else if (IsSettingsObject(type))
        {
            ReportValue(section, SettingsOf(type), failures);
            Check(section, type, owned: null, failures, depth + 1);
        }
        else
        {
            foreach (var nested in section.GetChildren())
            {
                failures.Add(DescribeBelowValue(nested, section));
            }
        }
    }

    private static string SettingsOf(Type type) =>
        $"settings ({string.Join(", ", BindableProperties(type).Select(static p => p.Name).Order(StringComparer.Ordinal))})";

    private const string FixAdvice = "Fix or remove the key in appsettings.json, config.yaml or the environment.";

    /// <summary>A value given to a key that holds settings or a list (<c>Budget: 5</c>), which the binder would ignore.</summary>
    private void ReportValue(IConfigurationSection section, string holds, List<string> failures)
    {
        if (!string.IsNullOrEmpty(section.Value))
        {
            failures.Add($"{section.Path} is '{section.Value}'{SetIn(section)}, but it holds {holds}, not a single value, so the value would be ignored. " +
                         FixAdvice);
        }
    }

    private string DescribeBelowValue(IConfigurationSection nested, IConfigurationSection value) =>
        $"{nested.Path} is not a known setting{SetIn(nested)}, so it would be ignored: {value.Path} takes a single value, with no settings below it. " +
        FixAdvice;

    private string Describe(IConfigurationSection unknown, string[] valid)
    {
        var nearest = Nearest(unknown.Key, valid);
        var parent = unknown.Path[..^unknown.Key.Length];
        var suggestion = nearest is null
            ? $"The settings here are: {string.Join(", ", valid.Order(StringComparer.Ordinal))}."
            : $"Did you mean {parent}{nearest}?";
        return $"{unknown.Path} is not a known setting{SetIn(unknown)}, so it would be ignored. {suggestion} " + FixAdvice;
    }

    /// <summary>" (set in &lt;source&gt;)" when the source that set the key is known, for the error message.</summary>
    private string SetIn(IConfigurationSection section) => SourceOf(section) is { } where ? $" (set in {where})" : string.Empty;

    /// <summary>Names the configuration source that set the key (the last one wins), for the error message.</summary>
    private string? SourceOf(IConfigurationSection unknown)
    {
        if (configuration is not IConfigurationRoot root)
        {
            return null;
        }

        // A section has no value of its own: look for the first key below it.
        var leaf = unknown.Value is not null
            ? unknown.Path
            : unknown.AsEnumerable().Where(static kv => kv.Value is not null).Select(static kv => kv.Key).FirstOrDefault();
        if (leaf is null)
        {
            return null;
        }

        foreach (var provider in root.Providers.Reverse())
        {
            if (provider.TryGet(leaf, out _))
            {
                return provider switch
                {
                    FileConfigurationProvider file => $"'{file.Source.Path}'",
                    EnvironmentVariablesConfigurationProvider => $"the environment variable {EnvironmentVariableNames.Canonical(leaf)}",
                    _ when provider.GetType().DeclaringType == typeof(FlatEnvironmentVariablesConfigurationSource) =>
                        $"a GENAI_WORKFLOW_* environment variable ({EnvironmentVariableNames.Alias(leaf) ?? leaf})",
                    _ => provider.ToString(),
                };
            }
        }

        return null;
    }

    /// <summary>The closest valid key by edit distance, when it is close enough to be a typo.</summary>
    internal static string? Nearest(string key, IEnumerable<string> valid)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in valid)
        {
            // A shortened key (MaxCost for MaxCostUsd) is a typo too.
            if (key.Length >= 4 && candidate.StartsWith(key, StringComparison.OrdinalIgnoreCase))
            {
                return candidate;
            }

            var distance = Distance(key.ToUpperInvariant(), candidate.ToUpperInvariant());
            if (distance < bestDistance)
            {
                (best, bestDistance) = (candidate, distance);
            }
        }

        return best is not null && bestDistance <= Math.Max(2, key.Length / 3) ? best : null;
    }

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }

    /// <summary>Properties the binder sets: writable ones, and get-only settings objects or collections it fills.</summary>
    private static PropertyInfo[] BindableProperties(Type type) =>
        [.. type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(static p => p.GetIndexParameters().Length == 0
                               && (p.SetMethod?.IsPublic == true || ElementType(p.PropertyType) is not null || IsSettingsObject(p.PropertyType)))];

    private static bool IsSettingsObject(Type type) =>
        type.IsClass && type != typeof(string) && type != typeof(Uri) && !type.IsArray && ElementType(type) is null
        && type.Namespace?.StartsWith("Workflows", StringComparison.Ordinal) == true;

    /// <summary>The element type of a list, a set or a string-keyed dictionary of settings; null for anything else.</summary>
    private static Type? ElementType(Type type)
    {
        var candidates = type.GetInterfaces().Append(type).Where(static t => t.IsGenericType).ToArray();
        foreach (var candidate in candidates)
        {
            var arguments = candidate.GetGenericArguments();
            if (candidate.GetGenericTypeDefinition() == typeof(IDictionary<,>) && arguments[0] == typeof(string))
            {
                return arguments[1];
            }
        }

        foreach (var candidate in candidates)
        {
            var definition = candidate.GetGenericTypeDefinition();
            if (definition == typeof(IList<>) || definition == typeof(ISet<>) || definition == typeof(ICollection<>))
            {
                return candidate.GetGenericArguments()[0];
            }
        }

        return null;
    }
}
