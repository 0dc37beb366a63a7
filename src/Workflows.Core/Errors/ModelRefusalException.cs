namespace Workflows;

/// <summary>The model refused the request: it answered with a refusal instead of content.</summary>
public sealed class ModelRefusalException : StepException
{
    /// <summary>Initializes a new instance of the <see cref="ModelRefusalException"/> class.</summary>
    /// <param name="stepName">The step whose call was refused.</param>
    /// <param name="model">The model that refused.</param>
    /// <param name="refusal">The model's refusal text.</param>
    public ModelRefusalException(string stepName, string model, string refusal)
        : base($"The model {model} refused the request of step '{stepName}': {refusal}", stepName, stepType: null)
    {
        Model = model;
        Refusal = refusal;
    }

    /// <summary>Gets the model that refused.</summary>
    public string Model { get; }

    /// <summary>Gets the model's refusal text.</summary>
    public string Refusal { get; }
}
