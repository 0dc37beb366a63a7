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

    /// <summary>The model refused to answer (for example a safety refusal to produce the requested structured output).</summary>
    Refused,

    /// <summary>A tool (function) the model called threw; the error names the tool.</summary>
    ToolFailed,

    /// <summary>The model's structured output did not parse as, or validate against, the step's output type or schema.</summary>
    InvalidOutput,

    /// <summary>
    /// A safety guardrail (PII, prompt injection or run-input validation) stopped the run before the offending text reached
    /// the model or a later step; the error names the guardrail, the input or step, and the finding types, never the text.
    /// </summary>
    GuardrailBlocked,
}
