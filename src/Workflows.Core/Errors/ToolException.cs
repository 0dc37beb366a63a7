namespace Workflows;

/// <summary>A tool (an <c>AIFunction</c>) that the model called during a step threw.</summary>
public sealed class ToolException : StepException
{
    /// <summary>Initializes a new instance of the <see cref="ToolException"/> class.</summary>
    /// <param name="stepName">The step that gave the model the tool.</param>
    /// <param name="toolName">The tool that threw.</param>
    /// <param name="innerException">What the tool threw.</param>
    public ToolException(string stepName, string toolName, Exception innerException)
        : base(
            $"Tool '{toolName}' called by the model in step '{stepName}' threw {innerException?.GetType().FullName}: {innerException?.Message}",
            stepName,
            stepType: null,
            innerException)
    {
        ToolName = toolName;
    }

    /// <summary>Gets the name of the tool that threw.</summary>
    public string ToolName { get; }
}
