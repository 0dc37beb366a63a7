using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Workflows.Providers.OpenAI;

/// <summary>
/// Reads <see cref="OpenAIProviderOptions"/> from configuration: checks every scalar value before binding so that a bad
/// value fails with a message naming the key, the value, the expected type and the environment variables, and fills the
/// API key from <c>OPENAI_API_KEY</c> when none is configured.
/// </summary>
internal static class OpenAIProviderConfiguration
{
    /// <summary><c>GenAiWorkflows:Providers:openai</c>.</summary>
    public static string SectionPath(string providerName) =>
        $"{GenAiWorkflowOptions.SectionName}:Providers:{providerName}";

    /// <summary><c>GenAiWorkflows:Providers:openai:ApiKey</c>.</summary>
    public static string KeyPath(string providerName, string property) => $"{SectionPath(providerName)}:{property}";

    /// <summary>Binds the provider's section onto <paramref name="options"/>; does nothing without configuration.</summary>
    /// <exception cref="OptionsValidationException">A value does not convert to its setting's type.</exception>
    public static void Bind(IConfiguration? configuration, string providerName, OpenAIProviderOptions options)
    {
        if (configuration is null)
        {
            return;
        }

        var section = configuration.GetSection(SectionPath(providerName));
        var failures = new List<string>();
        foreach (var property in typeof(OpenAIProviderOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (!property.CanWrite || property.PropertyType == typeof(string))
            {
                continue;
            }

            var child = section.GetSection(property.Name);
            if (child.Value is not { Length: > 0 } raw || TryConvert(raw, property.PropertyType))
            {
                continue;
            }

            failures.Add(
                $"{child.Path} is '{raw}', which is not a valid {Describe(property.PropertyType)}. " +
                $"Fix it in appsettings.json or config.yaml, or set the environment variable {EnvironmentVariableNames.Describe(child.Path)}.");
        }

        if (failures.Count > 0)
        {
            throw new OptionsValidationException(providerName, typeof(OpenAIProviderOptions), failures);
        }

        section.Bind(options);
    }

    /// <summary>Fills <see cref="OpenAIProviderOptions.ApiKey"/> from <c>OPENAI_API_KEY</c> when it is still empty.</summary>
    public static void ApplyApiKeyFallback(IConfiguration? configuration, OpenAIProviderOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.ApiKey))
        {
            return;
        }

        var fallback = configuration is not null
            ? configuration[OpenAIProviderOptions.ApiKeyEnvironmentVariable]
            : Environment.GetEnvironmentVariable(OpenAIProviderOptions.ApiKeyEnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fallback))
        {
            options.ApiKey = fallback;
        }
    }

    private static bool TryConvert(string raw, Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(Uri))
        {
            return Uri.TryCreate(raw, UriKind.Absolute, out _);
        }

        try
        {
            _ = TypeDescriptor.GetConverter(type).ConvertFromString(null, CultureInfo.InvariantCulture, raw);
            return true;
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or NotSupportedException or OverflowException
                                   || ex.InnerException is FormatException or OverflowException)
        {
            return false;
        }
    }

    private static string Describe(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type == typeof(int) ? "whole number"
            : type == typeof(TimeSpan) ? "time span (hh:mm:ss, for example 00:00:30)"
            : type == typeof(Uri) ? "absolute URI (for example http://localhost:8080/v1)"
            : type == typeof(bool) ? "boolean (true or false)"
            : type.Name;
    }
}
