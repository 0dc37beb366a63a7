using System.Text.Json.Serialization;

namespace Workflows;

/// <summary>The state of one step in a run.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<StepStatus>))]
public enum StepStatus
{
    /// <summary>Not started.</summary>
    Pending,

    /// <summary>Running.</summary>
    Running,

    /// <summary>Finished with an output.</summary>
    Completed,

    /// <summary>Threw an error.</summary>
    Failed,

    /// <summary>Interrupted because the caller cancelled the run.</summary>
    Cancelled,

    /// <summary>Interrupted because the run's timeout elapsed.</summary>
    TimedOut,
}
