namespace Workflows;

/// <summary>
/// A step asked for structured output and the model's reply did not parse as, or validate against, the output type or
/// schema. It is an ordinary step failure, so the step's own resilience pipeline may retry it.
/// </summary>
public sealed class StructuredOutputException : StepException
{
    /// <summary>Initializes a new instance of the <see cref="StructuredOutputException"/> class.</summary>
    /// <param name="message">What did not parse or validate, and where.</param>
    /// <param name="stepName">The step.</param>
    /// <param name="innerException">The parser's or validator's exception, when there was one.</param>
    public StructuredOutputException(string message, string stepName, Exception? innerException = null)
        : base(message, stepName, stepType: "llm", innerException)
    {
    }
}
