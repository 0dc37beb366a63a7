using System.Text.Json.Serialization;

namespace Workflows;

/// <summary>The kind of failure recorded in an <see cref="ErrorInfo"/>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ErrorKind>))]
public enum ErrorKind
{
    /// <summary>A step threw.</summary>
    StepFailed,

    /// <summary>A middleware stopped the run with an <see cref="AbortException"/>.</summary>
    Aborted,

    /// <summary>A critical middleware threw.</summary>
    MiddlewareFailed,

    /// <summary>A token or cost budget was exceeded.</summary>
    BudgetExceeded,

    /// <summary>The caller cancelled the run.</summary>
    Cancelled,

    /// <summary>The run's timeout elapsed.</summary>
    TimedOut,
}
