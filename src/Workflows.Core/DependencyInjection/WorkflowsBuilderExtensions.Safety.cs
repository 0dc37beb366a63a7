using Workflows;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>The safety guardrails: PII redaction, the prompt-injection guard and run-input validation.</summary>
public static partial class WorkflowsBuilderExtensions
{
    /// <summary>
    /// Applies <see cref="PiiRedactionMiddleware"/> to every run: personal data in the text the model is about to see is
    /// masked (or the run blocked). Turns on <c>GenAiWorkflows:Safety:Pii</c>; <paramref name="configure"/> runs after
    /// configuration is bound, so code wins. The guard runs after all other middleware before a model call, so it sees
    /// the messages as they will be sent.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Changes the settings (action, output scanning, disabled recognizers).</param>
    /// <returns>The builder.</returns>
    public static IWorkflowsBuilder UsePiiRedaction(this IWorkflowsBuilder builder, Action<PiiRedactionOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<SafetyOptions>().Configure(options =>
        {
            options.Pii.Enabled = true;
            configure?.Invoke(options.Pii);
        });
        return builder;
    }

    /// <summary>
    /// Applies <see cref="PromptInjectionGuardMiddleware"/> to every run: the caller's inputs (and, optionally, model
    /// responses) are judged for prompt injection and the run blocked or a warning logged. Turns on
    /// <c>GenAiWorkflows:Safety:PromptInjection</c>; <paramref name="configure"/> runs after configuration is bound.
    /// The guard runs before other middleware.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Changes the settings (action, step-output scanning, disabled patterns).</param>
    /// <returns>The builder.</returns>
    public static IWorkflowsBuilder UsePromptInjectionGuard(this IWorkflowsBuilder builder, Action<PromptInjectionGuardOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<SafetyOptions>().Configure(options =>
        {
            options.PromptInjection.Enabled = true;
            configure?.Invoke(options.PromptInjection);
        });
        return builder;
    }

    /// <summary>
    /// Applies <see cref="InputValidationMiddleware"/> to every run: null and oversized inputs stop the run before any
    /// model call, unused inputs are logged. Turns on <c>GenAiWorkflows:Safety:Inputs</c>; <paramref name="configure"/>
    /// runs after configuration is bound. The check runs before other middleware.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Changes the settings (size limits, unused-input warning).</param>
    /// <returns>The builder.</returns>
    public static IWorkflowsBuilder UseInputValidation(this IWorkflowsBuilder builder, Action<InputValidationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<SafetyOptions>().Configure(options =>
        {
            options.Inputs.Enabled = true;
            configure?.Invoke(options.Inputs);
        });
        return builder;
    }
}
