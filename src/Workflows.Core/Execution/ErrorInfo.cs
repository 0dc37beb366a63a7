using System.Text.Json.Serialization;

namespace Workflows;

/// <summary>What went wrong in a run or a step, as plain data.</summary>
public sealed record ErrorInfo
{
    /// <summary>Gets the error message.</summary>
    public required string Message { get; init; }

    /// <summary>Gets the full type name of the exception.</summary>
    public required string ExceptionType { get; init; }

    /// <summary>Gets what kind of failure this is.</summary>
    public required ErrorKind Kind { get; init; }

    /// <summary>Gets the name of the step where it happened, if any.</summary>
    public string? StepName { get; init; }

    /// <summary>Gets the branch path of the step where it happened (<c>review/pros</c>, <c>summaries[3]</c>), if any; see <see cref="StepResult.Path"/>.</summary>
    public string? StepPath
    {
        get => field ?? StepName;
        init;
    }

    /// <summary>Gets the type of the step where it happened, if any.</summary>
    public string? StepType { get; init; }

    /// <summary>Gets the type name of the plugin (provider, middleware, step class) that failed, if known.</summary>
    public string? PluginType { get; init; }

    /// <summary>Gets the assembly of the plugin that failed, if known.</summary>
    public string? PluginAssembly { get; init; }

    /// <summary>Gets the exception itself, for in-process inspection; not serialized.</summary>
    [JsonIgnore]
    public Exception? Exception { get; init; }

    internal static ErrorInfo FromException(Exception exception, ErrorKind kind, string? stepName, string? stepType, Type? pluginType = null)
    {
        var plugin = exception as PluginException;
        return new ErrorInfo
        {
            Message = exception.Message,
            ExceptionType = exception.GetType().FullName ?? exception.GetType().Name,
            Kind = kind,
            StepName = stepName,
            StepType = stepType,
            PluginType = pluginType?.FullName ?? plugin?.PluginTypeName,
            PluginAssembly = pluginType?.Assembly.GetName().Name ?? plugin?.PluginAssemblyName,
            Exception = exception,
        };
    }
}
