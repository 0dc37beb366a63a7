using System.Globalization;
using Microsoft.Extensions.Options;

namespace Workflows.Hosting;

/// <summary>
/// Validates <see cref="SafetyOptions"/> (<c>GenAiWorkflows:Safety</c>) on host start. Each failure names the key, the bad
/// value, what is allowed and the environment variable that sets it.
/// </summary>
internal sealed class SafetyOptionsValidator : IValidateOptions<SafetyOptions>
{
    private static readonly string[] PiiRecognizers = [PiiTypes.Email, PiiTypes.CreditCard, PiiTypes.Ssn, PiiTypes.Phone];

    private static readonly Lazy<IReadOnlyList<string>> InjectionPatterns = new(static () => new PromptInjectionDetector().PatternNames);

    public ValidateOptionsResult Validate(string? name, SafetyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = new ValidateOptionsResultBuilder();

        if (!Enum.IsDefined(options.Pii.Action))
        {
            builder.AddError(Message("Pii:Action", options.Pii.Action, $"one of {string.Join(", ", Enum.GetNames<PiiGuardAction>())}"));
        }

        foreach (var recognizer in options.Pii.DisabledRecognizers)
        {
            if (!PiiRecognizers.Contains(recognizer, StringComparer.OrdinalIgnoreCase))
            {
                builder.AddError(Message("Pii:DisabledRecognizers", recognizer, $"a built-in PII recognizer ({string.Join(", ", PiiRecognizers)})"));
            }
        }

        if (!Enum.IsDefined(options.PromptInjection.Action))
        {
            builder.AddError(Message(
                "PromptInjection:Action", options.PromptInjection.Action, $"one of {string.Join(", ", Enum.GetNames<PromptInjectionGuardAction>())}"));
        }

        foreach (var pattern in options.PromptInjection.DisabledPatterns)
        {
            if (!InjectionPatterns.Value.Contains(pattern, StringComparer.OrdinalIgnoreCase))
            {
                builder.AddError(Message(
                    "PromptInjection:DisabledPatterns", pattern, $"a built-in prompt-injection pattern ({string.Join(", ", InjectionPatterns.Value)})"));
            }
        }

        if (options.Inputs.MaxInputLength <= 0)
        {
            builder.AddError(Message("Inputs:MaxInputLength", options.Inputs.MaxInputLength, "a whole number of characters greater than 0"));
        }

        if (options.Inputs.MaxRunInputLength <= 0)
        {
            builder.AddError(Message("Inputs:MaxRunInputLength", options.Inputs.MaxRunInputLength, "a whole number of characters greater than 0"));
        }
        else if (options.Inputs.MaxInputLength > 0 && options.Inputs.MaxRunInputLength < options.Inputs.MaxInputLength)
        {
            builder.AddError(Message(
                "Inputs:MaxRunInputLength", options.Inputs.MaxRunInputLength,
                string.Create(CultureInfo.InvariantCulture, $"at least Inputs:MaxInputLength ({options.Inputs.MaxInputLength}): the run limit covers all inputs together")));
        }

        return builder.Build();
    }

    private static string Message(string relativeKey, object? value, string allowed) =>
        GenAiWorkflowOptionsValidator.Message("Safety:" + relativeKey, value, allowed);
}
