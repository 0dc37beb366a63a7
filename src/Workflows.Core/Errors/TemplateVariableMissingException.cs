namespace Workflows;

/// <summary>A prompt template names a variable that the run does not have.</summary>
public sealed class TemplateVariableMissingException : StepException
{
    /// <summary>Initializes a new instance of the <see cref="TemplateVariableMissingException"/> class.</summary>
    /// <param name="stepName">The step whose template was rendered.</param>
    /// <param name="variableName">The variable the template asked for.</param>
    /// <param name="availableVariables">The variables the run had at that point.</param>
    public TemplateVariableMissingException(string? stepName, string variableName, IEnumerable<string> availableVariables)
        : base(BuildMessage(stepName, variableName, availableVariables), stepName, typeof(LlmStep).FullName)
    {
        VariableName = variableName;
    }

    /// <summary>Gets the name of the variable that was missing.</summary>
    public string VariableName { get; }

    private static string BuildMessage(string? stepName, string variableName, IEnumerable<string> available)
    {
        var names = string.Join(", ", available.Order(StringComparer.Ordinal));
        return $"Step '{stepName}' uses the template variable '{{{variableName}}}', but the run has no variable of that name. " +
               $"Pass '{variableName}' in the run's inputs or add a step named '{variableName}' before this one. " +
               $"Available variables: {(names.Length == 0 ? "(none)" : names)}.";
    }
}
