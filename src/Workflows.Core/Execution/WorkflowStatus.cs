using System.Text.Json.Serialization;

namespace Workflows;

/// <summary>The state of a workflow run.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<WorkflowStatus>))]
public enum WorkflowStatus
{
    /// <summary>Created, not started.</summary>
    Pending,

    /// <summary>Steps are running.</summary>
    Running,

    /// <summary>Every critical step completed.</summary>
    Completed,

    /// <summary>A critical step failed, a middleware aborted, or a budget was exceeded.</summary>
    Failed,

    /// <summary>The caller cancelled the run.</summary>
    Cancelled,

    /// <summary>The run's timeout elapsed.</summary>
    TimedOut,
}
