using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Workflows;

/// <summary>
/// (Shared source, compiled into each package that binds options: Workflows.Hosting, Workflows.Providers.OpenAI.)
/// Binds a configuration section after checking that every scalar value converts to its property's type, so that
/// <c>MaxTokens=abc</c> fails with a message naming the key, the value, the expected type and the environment variable
/// instead of the binder's generic error.
/// </summary>
internal static class CheckedBinder
{
    /// <summary>How deep settings objects nest at most (a workflow's steps inside maps, routes and loops inside each other).</summary>
    private const int MaxDepth = 32;

    public static void Bind<TOptions>(
        IConfigurationSection section, TOptions options, string? optionsName = null, Func<string, string?>? allowed = null)
        where TOptions : class
    {
        var failures = new List<string>();
        Check(section, typeof(TOptions), failures, depth: 0, allowed);
        if (failures.Count > 0)
        {
            throw new OptionsValidationException(optionsName ?? Options.DefaultName, typeof(TOptions), failures);
        }

        section.Bind(options);
    }

    private static void Check(IConfigurationSection section, Type type, List<string> failures, int depth, Func<string, string?>? allowed)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (!IsScalar(property.PropertyType))
            {
                // Nested settings objects (Budget), and the items of lists and dictionaries of them (Workflows, Steps), are checked too.
                if (depth < MaxDepth && property.PropertyType != typeof(string) && ElementType(property.PropertyType) is { } elementType)
                {
                    foreach (var item in section.GetSection(property.Name).GetChildren())
                    {
                        Check(item, elementType, failures, depth + 1, allowed: null);
                    }
                }
                else if (depth < MaxDepth && property.PropertyType.IsClass && property.PropertyType != typeof(string))
                {
                    Check(section.GetSection(property.Name), property.PropertyType, failures, depth + 1, allowed: null);
                }

                continue;
            }

            var child = section.GetSection(property.Name);
            var raw = child.Value;
            if (string.IsNullOrEmpty(raw))
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
    }

    /// <summary>The settings-object element type of a list or string-keyed dictionary property; null for anything else.</summary>
    private static Type? ElementType(Type type)
    {
        foreach (var candidate in type.GetInterfaces().Append(type))
        {
            if (!candidate.IsGenericType)
            {
                continue;
            }

            var definition = candidate.GetGenericTypeDefinition();
            var arguments = candidate.GetGenericArguments();
            var element = definition == typeof(IDictionary<,>) && arguments[0] == typeof(string) ? arguments[1]
                : definition == typeof(IList<>) ? arguments[0]
                : null;
            if (element is not null && element.IsClass && element != typeof(string) && !IsScalar(element))
            {
                return element;
            }
        }

        return null;
    }

    private static bool IsScalar(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsPrimitive || type.IsEnum || type == typeof(decimal) || type == typeof(TimeSpan) || type == typeof(Uri);
    }

    private static bool TryConvert(string raw, Type type)
    {
        // A nullable type's converter (NullableConverter) converts a non-empty value as the underlying type's converter does.
        if (type == typeof(Uri))
        {
            return Uri.TryCreate(raw, UriKind.Absolute, out _);
        }

        try
        {
            _ = TypeDescriptor.GetConverter(type).ConvertFromString(null, CultureInfo.InvariantCulture, raw);
            return true;
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or NotSupportedException or OverflowException)
        {
            // What the scalar types' converters throw: number converters wrap the parse error in an ArgumentException, TimeSpan's
            // lets an OverflowException through, a type without a converter from text throws NotSupportedException.
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
            : type == typeof(TimeSpan) ? "time span (hh:mm:ss, for example 00:00:30)"
            : type == typeof(Uri) ? "absolute URI (for example http://localhost:8080/v1)"
            : type.Name;
    }
}
