using System.Text.RegularExpressions;

namespace Workflows;

internal static partial class StepNames
{
    public const string PatternText = "[A-Za-z_][A-Za-z0-9_.-]*";

    /// <summary>The step name at the end of a branch path (<c>review/pros</c> gives <c>pros</c>, <c>summaries[3]</c> gives <c>summaries</c>).</summary>
    public static string LastSegment(string path)
    {
        var start = path.LastIndexOf('/') + 1;
        var bracket = path.IndexOf('[', start);
        return bracket < 0 ? path[start..] : path[start..bracket];
    }

    public static bool IsValid(string? name) => name is not null && NamePattern().IsMatch(name);

    /// <summary>The name, when it is valid (for a variable name property's setter); see <see cref="Validate"/>.</summary>
    public static string Checked(string name)
    {
        Validate(name, workflowName: null);
        return name;
    }

    public static void Validate(string? name, string? workflowName)
    {
        if (IsValid(name))
        {
            return;
        }

        var where = workflowName is null ? string.Empty : $" in workflow '{workflowName}'";
        throw new WorkflowException(
            $"The step name '{name}'{where} is not valid. A step name starts with a letter or '_' and contains only " +
            $"letters, digits, '_', '.' and '-' (pattern {PatternText}), because later steps refer to it as {{name}} in templates.",
            workflowName);
    }

    // \z, not $: $ also matches before a trailing newline, which would let "draft\n" through.
    [GeneratedRegex("^" + PatternText + @"\z", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();
}
