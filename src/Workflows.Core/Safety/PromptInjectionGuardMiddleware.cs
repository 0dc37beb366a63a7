using Microsoft.Extensions.AI;
using static Workflows.TelemetryNames;

namespace Workflows;

/// <summary>
/// A guardrail against prompt injection (<see cref="PromptInjectionPatterns"/>). At the start of a run it judges the
/// caller's inputs (every string input, and the strings inside collections, dictionaries and JSON values); with
/// <see cref="PromptInjectionGuardOptions.ScanStepOutputs"/> it also judges every model response, and the outputs of
/// transform and service steps that a later prompt reads, so that an injection carried by one step's output (indirect
/// injection) does not reach a later step's prompt. It never judges the
/// workflow author's own prompt templates.
/// </summary>
/// <remarks>
/// Register it with <c>builder.UsePromptInjectionGuard()</c>, with <c>GenAiWorkflows:Safety:PromptInjection:Enabled=true</c>,
/// or without a host with <c>engine.Use(new PromptInjectionGuardMiddleware(options))</c>. In
/// <see cref="PromptInjectionGuardAction.Block"/> mode the run ends as Failed with <see cref="ErrorKind.GuardrailBlocked"/>
/// and an error naming the input (or the step whose output) and the pattern; in <see cref="PromptInjectionGuardAction.Warn"/>
/// mode a warning is logged and the run goes on. Each check records an <c>apply_guardrail prompt_injection</c> span; the
/// matched text never appears in logs, telemetry or errors.
/// </remarks>
public sealed class PromptInjectionGuardMiddleware : WorkflowMiddleware
{
    private const string ScannedKey = "Workflows.PromptInjectionGuard.ScannedStepOutputs";

    private readonly PromptInjectionDetector _detector;
    private readonly PromptInjectionGuardAction _action;
    private readonly bool _scanStepOutputs;

    /// <summary>Initializes a new instance of the <see cref="PromptInjectionGuardMiddleware"/> class.</summary>
    /// <param name="options">The settings, read once; the defaults (block, inputs only, every pattern) when <see langword="null"/>.
    /// <see cref="PromptInjectionGuardOptions.Enabled"/> is not read: a middleware you create always runs.</param>
    /// <exception cref="ArgumentException">A disabled pattern is not a built-in one, or the action is not defined.</exception>
    public PromptInjectionGuardMiddleware(PromptInjectionGuardOptions? options = null)
    {
        options ??= new PromptInjectionGuardOptions();
        if (!Enum.IsDefined(options.Action))
        {
            throw new ArgumentException(
                $"Prompt-injection action '{options.Action}' is not defined; use {string.Join(" or ", Enum.GetNames<PromptInjectionGuardAction>())}.", nameof(options));
        }

        var detectorOptions = new PromptInjectionDetectorOptions();
        foreach (var name in options.DisabledPatterns)
        {
            detectorOptions.DisabledPatterns.Add(name);
        }

        _detector = new PromptInjectionDetector(detectorOptions);
        _action = options.Action;
        _scanStepOutputs = options.ScanStepOutputs;
    }

    /// <summary>Gets <see langword="true"/>: a guardrail that cannot run must fail the run rather than let text through.</summary>
    public override bool IsCritical => true;

    /// <inheritdoc />
    public override ValueTask OnWorkflowStartAsync(MiddlewareContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var activity = GuardrailReporter.Start(context, Values.GuardrailPromptInjection, Values.TargetInput);
        var all = new List<string>();
        var flagged = new List<(string Input, string[] Patterns)>();
        var checkedCount = 0;
        foreach (var (name, value) in context.Variables)
        {
            var patterns = new List<string>();
            foreach (var text in GuardrailReporter.Strings(value))
            {
                checkedCount++;
                patterns.AddRange(_detector.Detect(text).Select(static f => f.Pattern));
            }

            if (patterns.Count > 0)
            {
                all.AddRange(patterns);
                flagged.Add((name, [.. patterns.Distinct(StringComparer.Ordinal)]));
            }
        }

        if (flagged.Count == 0)
        {
            GuardrailReporter.Complete(activity, context, Values.GuardrailPromptInjection, target: null, Values.DecisionAllowed, all, checkedCount);
            return ValueTask.CompletedTask;
        }

        var target = string.Join(", ", flagged.Select(static f => $"input '{f.Input}'"));

        if (_action == PromptInjectionGuardAction.Warn)
        {
            GuardrailReporter.Complete(activity, context, Values.GuardrailPromptInjection, target, Values.DecisionWarned, all, checkedCount);
            return ValueTask.CompletedTask;
        }

        GuardrailReporter.Complete(activity, context, Values.GuardrailPromptInjection, target, Values.DecisionBlocked, all, checkedCount);
        var details = string.Join("; ", flagged.Select(static f => $"input '{f.Input}' matches {string.Join(", ", f.Patterns)}"));
        throw new GuardrailBlockedException(
            Values.GuardrailPromptInjection,
            target,
            [.. all.Distinct(StringComparer.Ordinal)],
            $"The prompt-injection guardrail blocked the run before any model call: {details}. " +
            "Remove the instructions from the input, or set GenAiWorkflows:Safety:PromptInjection:Action to Warn.");
    }

    /// <summary>
    /// With <see cref="PromptInjectionGuardOptions.ScanStepOutputs"/>, judges the outputs of earlier transform and service
    /// steps that this step's templates read (a fetched web page, a loaded document), once per step, before its first
    /// model call. Model outputs are judged when they are produced, in <see cref="AfterLlmCallAsync"/>.
    /// </summary>
    /// <param name="context">The run and the calling step.</param>
    /// <param name="request">The request, returned unchanged.</param>
    /// <param name="cancellationToken">Cancelled with the run.</param>
    /// <returns>The same request.</returns>
    public override ValueTask<ModelRequest> BeforeLlmCallAsync(MiddlewareContext context, ModelRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!_scanStepOutputs || context.StepName is not { } stepName)
        {
            return ValueTask.FromResult(request);
        }

        if (!context.Run.Workflow.AllSteps.TryGetValue(stepName, out var step) || step is not LlmStep current)
        {
            return ValueTask.FromResult(request);
        }

        var scanned = (System.Collections.Concurrent.ConcurrentDictionary<string, bool>)context.Run.Items.GetOrAdd(
            ScannedKey, static _ => new System.Collections.Concurrent.ConcurrentDictionary<string, bool>(StringComparer.Ordinal))!;
        var variables = current.Prompt.Variables.Concat(current.SystemPrompt?.Variables ?? []).ToArray();
        foreach (var source in context.Run.Workflow.AllSteps.Values)
        {
            // Only outputs already produced are in the variables; a concurrent branch that reads the same output scans it once.
            object? output = null;
            if (source is LlmStep ||
                !variables.Any(v => v == source.Name || v.StartsWith(source.Name + ".", StringComparison.Ordinal)) ||
                !context.Variables.TryGetValue(source.Name, out output) ||
                !scanned.TryAdd(source.Name, true))
            {
                continue;
            }

            var target = $"output of step '{source.Name}'";
            var activity = GuardrailReporter.Start(context, Values.GuardrailPromptInjection, Values.TargetOutput);
            var patterns = new List<string>();
            var checkedCount = 0;
            foreach (var text in GuardrailReporter.Strings(output))
            {
                checkedCount++;
                patterns.AddRange(_detector.Detect(text).Select(static f => f.Pattern));
            }

            var decision = Decide(patterns);
            GuardrailReporter.Complete(activity, context, Values.GuardrailPromptInjection, target, decision, patterns, checkedCount);
            if (decision == Values.DecisionBlocked)
            {
                var distinct = patterns.Distinct(StringComparer.Ordinal).ToArray();
                throw new GuardrailBlockedException(
                    Values.GuardrailPromptInjection,
                    target,
                    distinct,
                    $"The prompt-injection guardrail blocked step '{stepName}' before its model call: the {target}, which its prompt reads, " +
                    $"matches {string.Join(", ", distinct)} (indirect injection). Check the content that step produced, or set " +
                    "GenAiWorkflows:Safety:PromptInjection:Action to Warn.");
            }
        }

        return ValueTask.FromResult(request);
    }

    /// <inheritdoc />
    public override ValueTask<ChatResponse> AfterLlmCallAsync(
        MiddlewareContext context, ModelRequest request, ChatResponse response, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(response);
        if (!_scanStepOutputs)
        {
            return ValueTask.FromResult(response);
        }

        var target = $"output of step '{context.StepName}'";
        var activity = GuardrailReporter.Start(context, Values.GuardrailPromptInjection, Values.TargetOutput);
        var patterns = new List<string>();
        var checkedCount = 0;
        foreach (var message in response.Messages)
        {
            foreach (var content in message.Contents)
            {
                if (content is TextContent { Text: { Length: > 0 } text })
                {
                    checkedCount++;
                    patterns.AddRange(_detector.Detect(text).Select(static f => f.Pattern));
                }
            }
        }

        var decision = Decide(patterns);
        GuardrailReporter.Complete(activity, context, Values.GuardrailPromptInjection, target, decision, patterns, checkedCount);
        if (decision != Values.DecisionBlocked)
        {
            return ValueTask.FromResult(response);
        }

        var distinct = patterns.Distinct(StringComparer.Ordinal).ToArray();
        throw new GuardrailBlockedException(
            Values.GuardrailPromptInjection,
            target,
            distinct,
            $"The prompt-injection guardrail blocked the {target}: it matches {string.Join(", ", distinct)} (indirect injection), " +
            "so it was not passed to later steps. Check the content the step processed, or set " +
            "GenAiWorkflows:Safety:PromptInjection:Action to Warn.");
    }

    private string Decide(List<string> patterns) =>
        patterns.Count == 0 ? Values.DecisionAllowed
        : _action == PromptInjectionGuardAction.Warn ? Values.DecisionWarned
        : Values.DecisionBlocked;
}
