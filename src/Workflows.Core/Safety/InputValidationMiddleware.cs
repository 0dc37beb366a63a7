using System.Globalization;
using static Workflows.TelemetryNames;

namespace Workflows;

/// <summary>
/// Checks a run's inputs when it starts, before any step or model call: a <see langword="null"/> input, an input larger
/// than <see cref="InputValidationOptions.MaxInputLength"/> or inputs larger together than
/// <see cref="InputValidationOptions.MaxRunInputLength"/> stop the run (Failed, <see cref="ErrorKind.GuardrailBlocked"/>,
/// with an error naming the input); inputs that no step reads are logged as a warning.
/// </summary>
/// <remarks>
/// Register it with <c>builder.UseInputValidation()</c>, with <c>GenAiWorkflows:Safety:Inputs:Enabled=true</c>, or without
/// a host with <c>engine.Use(new InputValidationMiddleware(options))</c>. Unused inputs are found by comparing the input
/// names with the <c>{variables}</c> of the steps' prompt and system prompt templates (<c>{name}</c> or <c>{name.part}</c>
/// reads <c>name</c>), and only when every step is an <see cref="LlmStep"/>. Each check records an
/// <c>apply_guardrail input_validation</c> span; input values never appear in logs, telemetry or errors.
/// </remarks>
public sealed class InputValidationMiddleware : WorkflowMiddleware
{
    private readonly int _maxInputLength;
    private readonly int _maxRunInputLength;
    private readonly bool _warnUnusedInputs;

    /// <summary>Initializes a new instance of the <see cref="InputValidationMiddleware"/> class.</summary>
    /// <param name="options">The settings, read once; the defaults when <see langword="null"/>.
    /// <see cref="InputValidationOptions.Enabled"/> is not read: a middleware you create always runs.</param>
    /// <exception cref="ArgumentOutOfRangeException">A maximum is not greater than 0.</exception>
    public InputValidationMiddleware(InputValidationOptions? options = null)
    {
        options ??= new InputValidationOptions();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxInputLength, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxRunInputLength, nameof(options));
        _maxInputLength = options.MaxInputLength;
        _maxRunInputLength = options.MaxRunInputLength;
        _warnUnusedInputs = options.WarnUnusedInputs;
    }

    /// <summary>Gets <see langword="true"/>: a check that cannot run must fail the run rather than let inputs through.</summary>
    public override bool IsCritical => true;

    /// <inheritdoc />
    public override ValueTask OnWorkflowStartAsync(MiddlewareContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var activity = GuardrailReporter.Start(context, Values.GuardrailInputValidation, Values.TargetInput);
        var findings = new List<string>();
        var problems = new List<string>();
        var names = new List<string>();
        long total = 0;
        foreach (var (name, value) in context.Variables)
        {
            var size = GuardrailReporter.Size(value);
            total += size;
            if (value is null)
            {
                findings.Add(Values.FindingNullValue);
                names.Add(name);
                problems.Add($"run input '{name}' is null; pass a value or leave the input out");
            }
            else if (size > _maxInputLength)
            {
                findings.Add(Values.FindingInputTooLong);
                names.Add(name);
                problems.Add(string.Create(
                    CultureInfo.InvariantCulture,
                    $"run input '{name}' is {size} characters long, more than the {_maxInputLength} allowed (GenAiWorkflows:Safety:Inputs:MaxInputLength)"));
            }
        }

        if (total > _maxRunInputLength)
        {
            findings.Add(Values.FindingRunInputTooLong);
            problems.Add(string.Create(
                CultureInfo.InvariantCulture,
                $"the run's inputs are {total} characters long together, more than the {_maxRunInputLength} allowed (GenAiWorkflows:Safety:Inputs:MaxRunInputLength)"));
        }

        if (problems.Count > 0)
        {
            var target = names.Count == 0 ? "run inputs" : string.Join(", ", names.Distinct(StringComparer.Ordinal).Select(static n => $"input '{n}'"));
            GuardrailReporter.Complete(activity, context, Values.GuardrailInputValidation, target, Values.DecisionBlocked, findings, context.Variables.Count);
            throw new GuardrailBlockedException(
                Values.GuardrailInputValidation,
                target,
                [.. findings.Distinct(StringComparer.Ordinal)],
                $"The run's inputs are not valid: {string.Join("; ", problems)}.");
        }

        var unused = _warnUnusedInputs ? Unused(context) : [];
        if (unused.Count > 0)
        {
            context.Run.Engine.SafetyLogger.UnusedInputs(context.WorkflowName, context.WorkflowId, string.Join(", ", unused));
            findings.AddRange(unused.Select(static _ => Values.FindingUnusedInput));
        }

        // The unused inputs have their own log entry, which names them.
        GuardrailReporter.Complete(
            activity, context, Values.GuardrailInputValidation, target: null, unused.Count > 0 ? Values.DecisionWarned : Values.DecisionAllowed,
            findings, context.Variables.Count);
        return ValueTask.CompletedTask;
    }

    /// <summary>The inputs no step's template reads; none when a step's code may read anything (a transform or DI step, a route selector, a loop condition).</summary>
    private static List<string> Unused(MiddlewareContext context)
    {
        if (WorkflowGraph.TemplateReads(context.Run.Workflow.Steps) is not { } variables)
        {
            return [];
        }

        return [.. context.Variables.Keys.Where(name =>
            !variables.Contains(name) && !variables.Any(v => v.StartsWith(name + ".", StringComparison.Ordinal)))];
    }
}
