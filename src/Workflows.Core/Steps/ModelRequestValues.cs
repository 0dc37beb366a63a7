using System.Globalization;
using Microsoft.Extensions.AI;

namespace Workflows;

/// <summary>The allowed ranges of the sampling settings, checked the same way for steps, configuration and every request.</summary>
internal static class ModelRequestValues
{
    public static double? CheckTemperature(double? value, string stepName) =>
        value is null or (>= GenAiWorkflowOptions.MinTemperature and <= GenAiWorkflowOptions.MaxTemperature)
            ? value
            : throw OutOfRange("Temperature", value!.Value, stepName, "from 0 to 2");

    public static double? CheckTopP(double? value, string stepName) =>
        value is null or (>= 0 and <= 1)
            ? value
            : throw OutOfRange("TopP", value!.Value, stepName, "from 0 to 1");

    public static int? CheckMaxTokens(int? value, string stepName) =>
        value is null or (>= GenAiWorkflowOptions.MinMaxTokens and <= GenAiWorkflowOptions.MaxMaxTokens)
            ? value
            : throw OutOfRange("MaxTokens", value!.Value, stepName, "from 1 to 1,000,000");

    /// <summary>Checks the options a call is about to send (after middleware), naming the step.</summary>
    public static void Check(ChatOptions options, string stepName)
    {
        CheckTemperature(options.Temperature, stepName);
        CheckTopP(options.TopP, stepName);
        CheckMaxTokens(options.MaxOutputTokens, stepName);
    }

    private static ArgumentOutOfRangeException OutOfRange(string setting, double value, string stepName, string allowed) =>
        new(setting, value, string.Create(CultureInfo.InvariantCulture, $"Step '{stepName}': {setting} is {value}, but it must be {allowed}."));
}
