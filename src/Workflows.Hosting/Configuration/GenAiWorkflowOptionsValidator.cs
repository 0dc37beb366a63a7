using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Workflows.Hosting;

/// <summary>
/// Validates <see cref="GenAiWorkflowOptions"/> on host start. Each failure names the key, the bad value, what is
/// allowed and the environment variable that sets it.
/// </summary>
internal sealed class GenAiWorkflowOptionsValidator(
    IEnumerable<ProviderRegistration> providers,
    IEnumerable<StepTypeRegistration> stepTypes,
    IEnumerable<WorkflowRegistration> codeWorkflows) : IValidateOptions<GenAiWorkflowOptions>
{
    public ValidateOptionsResult Validate(string? name, GenAiWorkflowOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = new ValidateOptionsResultBuilder();

        var registered = providers.Select(static p => p.Name).Prepend(MockChatClient.DefaultName)
            .Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        if (string.IsNullOrWhiteSpace(options.DefaultProvider))
        {
            builder.AddError(Message(nameof(options.DefaultProvider), options.DefaultProvider,
                $"a registered provider name ({string.Join(", ", registered)})"));
        }
        else if (!registered.Contains(options.DefaultProvider, StringComparer.OrdinalIgnoreCase))
        {
            builder.AddError(Message(nameof(options.DefaultProvider), options.DefaultProvider,
                $"one of the registered providers ({string.Join(", ", registered)}); register it in AddGenAiWorkflows(...) or pick one of these"));
        }

        if (string.IsNullOrWhiteSpace(options.DefaultModel))
        {
            builder.AddError(Message(nameof(options.DefaultModel), options.DefaultModel, "a non-empty model name such as gpt-4o-mini"));
        }

        if (!(options.Temperature >= GenAiWorkflowOptions.MinTemperature && options.Temperature <= GenAiWorkflowOptions.MaxTemperature))
        {
            builder.AddError(Message(nameof(options.Temperature), options.Temperature, Allowed(nameof(options.Temperature))!));
        }

        if (options.MaxTokens is < GenAiWorkflowOptions.MinMaxTokens or > GenAiWorkflowOptions.MaxMaxTokens)
        {
            builder.AddError(Message(nameof(options.MaxTokens), options.MaxTokens, Allowed(nameof(options.MaxTokens))!));
        }

        if (!(options.TimeoutSeconds >= GenAiWorkflowOptions.MinTimeoutSeconds && options.TimeoutSeconds <= GenAiWorkflowOptions.MaxTimeoutSeconds))
        {
            builder.AddError(Message(nameof(options.TimeoutSeconds), options.TimeoutSeconds, Allowed(nameof(options.TimeoutSeconds))!));
        }

        if (options.MaxDegreeOfParallelism is < 1 or > GenAiWorkflowOptions.MaxMaxDegreeOfParallelism)
        {
            builder.AddError(Message(nameof(options.MaxDegreeOfParallelism), options.MaxDegreeOfParallelism, Allowed(nameof(options.MaxDegreeOfParallelism))!));
        }

        if (!Enum.IsDefined(options.LogLevel))
        {
            builder.AddError(Message(nameof(options.LogLevel), options.LogLevel,
                $"one of {string.Join(", ", Enum.GetNames<LogLevel>())}"));
        }

        if (options.Budget.MaxTokens is <= 0)
        {
            builder.AddError(Message("Budget:MaxTokens", options.Budget.MaxTokens, "a whole number of tokens greater than 0 (or unset for no limit)"));
        }

        if (options.Budget.MaxCostUsd is <= 0)
        {
            builder.AddError(Message("Budget:MaxCostUsd", options.Budget.MaxCostUsd, "an amount in US dollars greater than 0 (or unset for no limit)"));
        }

        foreach (var (model, price) in options.Pricing)
        {
            if (price is null || price.InputPerMillionTokens < 0 || price.OutputPerMillionTokens < 0 || price.CachedInputPerMillionTokens < 0)
            {
                builder.AddError(Message($"Pricing:{model}", "a negative or missing price",
                    "InputPerMillionTokens, OutputPerMillionTokens and CachedInputPerMillionTokens of zero or more (US dollars per million tokens)"));
            }
        }

        var duplicates = options.Workflows.Keys
            .Where(workflowName => codeWorkflows.Any(w => string.Equals(w.Name, workflowName, StringComparison.OrdinalIgnoreCase)))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var workflowName in duplicates)
        {
            builder.AddError(
                $"{GenAiWorkflowOptions.SectionName}:Workflows:{workflowName} defines a workflow that is also added in code with " +
                $"AddWorkflow(\"{workflowName}\", ...). Rename one of them.");
        }

        foreach (var (workflowName, _, error) in WorkflowDefinition.BuildAll(options.Workflows, name => StepTypeRegistration.Resolve(stepTypes, name)))
        {
            if (error is not null && !duplicates.Contains(workflowName))
            {
                builder.AddError(error.Message);
            }
        }

        return builder.Build();
    }

    /// <summary>What a numeric option allows (culture-invariant), also quoted when its value is not a number at all.</summary>
    internal static string? Allowed(string propertyName) => propertyName switch
    {
        nameof(GenAiWorkflowOptions.Temperature) => FormattableString.Invariant(
            $"a number from {GenAiWorkflowOptions.MinTemperature:0.0} to {GenAiWorkflowOptions.MaxTemperature:0.0}"),
        nameof(GenAiWorkflowOptions.MaxTokens) => FormattableString.Invariant(
            $"a whole number from {GenAiWorkflowOptions.MinMaxTokens} to {GenAiWorkflowOptions.MaxMaxTokens}"),
        nameof(GenAiWorkflowOptions.MaxDegreeOfParallelism) => FormattableString.Invariant(
            $"a whole number from 1 to {GenAiWorkflowOptions.MaxMaxDegreeOfParallelism}"),
        nameof(GenAiWorkflowOptions.TimeoutSeconds) => FormattableString.Invariant(
            $"a number of seconds from {GenAiWorkflowOptions.MinTimeoutSeconds} to {GenAiWorkflowOptions.MaxTimeoutSeconds}"),
        _ => null,
    };

    internal static string Message(string relativeKey, object? value, string allowed)
    {
        var key = $"{GenAiWorkflowOptions.SectionName}:{relativeKey}";
        var shown = value switch
        {
            null => "(empty)",
            IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() is { Length: > 0 } text ? text : "(empty)",
        };
        return $"{key} is '{shown}', but it must be {allowed}. " +
               $"Set it in appsettings.json or config.yaml, or with the environment variable {EnvironmentVariableNames.Describe(key)}.";
    }
}
