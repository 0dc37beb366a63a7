using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Workflows.Hosting;

/// <summary>
/// Binds a configuration section after checking that every scalar value converts to its property's type, so that
/// <c>MaxTokens=abc</c> fails with a message naming the key, the value, the expected type and the environment variable
/// instead of the binder's generic error.
/// </summary>
internal static class CheckedBinder
{
    public static void Bind<TOptions>(
        IConfigurationSection section, TOptions options, string? optionsName = null, Func<string, string?>? allowed = null)
        where TOptions : class
    {
        var failures = new List<string>();
        foreach (var property in typeof(TOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (!property.CanWrite || !IsScalar(property.PropertyType))
            {
                continue;
            }

            var child = section.GetSection(property.Name);
            if (child.Value is not { } raw || string.IsNullOrEmpty(raw))
            {
                continue;
            }

            if (!TryConvert(raw, property.PropertyType))
            {
                var range = allowed?.Invoke(property.Name) is { } text ? $"; it must be {text}" : string.Empty;
                failures.Add(
                    $"{child.Path} is '{raw}', which is not a valid {Describe(property.PropertyType)}{range}. " +
                    $"Fix it in appsettings.json or config.yaml, or set the environment variable {EnvironmentVariableNames.Describe(child.Path)}.");
            }
        }

        if (failures.Count > 0)
        {
            throw new OptionsValidationException(optionsName ?? Options.DefaultName, typeof(TOptions), failures);
        }

        section.Bind(options);
    }

    private static bool IsScalar(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsPrimitive || type.IsEnum || type == typeof(decimal) || type == typeof(TimeSpan) || type == typeof(Uri);
    }

    private static bool TryConvert(string raw, Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(Uri))
        {
            return Uri.TryCreate(raw, UriKind.RelativeOrAbsolute, out _);
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
        if (type.IsEnum)
        {
            return $"value (allowed: {string.Join(", ", Enum.GetNames(type))})";
        }

        return type == typeof(bool) ? "boolean (true or false)"
            : type == typeof(int) || type == typeof(long) ? "whole number"
            : type == typeof(double) || type == typeof(decimal) || type == typeof(float) ? "number (use '.' as the decimal separator)"
            : type == typeof(TimeSpan) ? "time span (hh:mm:ss)"
            : type.Name;
    }
}
