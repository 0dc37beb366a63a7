namespace Workflows;

/// <summary>
/// Thrown by a safety guardrail middleware to stop a run. The run ends as Failed with
/// <see cref="ErrorKind.GuardrailBlocked"/> and keeps the steps completed so far; nothing more is sent to the model.
/// </summary>
/// <remarks>
/// The message names the guardrail, where the finding was (an input's name or a step's name) and the finding types or
/// pattern names, never the detected text itself.
/// </remarks>
public sealed class GuardrailBlockedException : AbortException
{
    /// <summary>Initializes a new instance of the <see cref="GuardrailBlockedException"/> class.</summary>
    /// <param name="guardrail">The guardrail's name, for example <c>pii</c>.</param>
    /// <param name="target">Where the finding was, for example <c>input 'question'</c>.</param>
    /// <param name="findingTypes">The finding types or pattern names, without values.</param>
    /// <param name="reason">Why the run was stopped; must not contain the detected text.</param>
    public GuardrailBlockedException(string guardrail, string target, IReadOnlyList<string> findingTypes, string reason)
        : base(reason)
    {
        ArgumentNullException.ThrowIfNull(guardrail);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(findingTypes);
        Guardrail = guardrail;
        Target = target;
        FindingTypes = findingTypes;
    }

    /// <summary>Gets the guardrail's name: <c>pii</c>, <c>prompt_injection</c> or <c>input_validation</c>.</summary>
    public string Guardrail { get; }

    /// <summary>Gets where the finding was: an input (<c>input 'question'</c>) or a step's prompt or output.</summary>
    public string Target { get; }

    /// <summary>Gets the finding types (PII types, injection pattern names or input problems), never the detected values.</summary>
    public IReadOnlyList<string> FindingTypes { get; }
}
