namespace Workflows;

/// <summary>
/// Settings of <see cref="InputValidationMiddleware"/>; bound from <c>GenAiWorkflows:Safety:Inputs</c> as part of
/// <see cref="SafetyOptions"/>. Sizes are counted in characters (UTF-16 code units) of the text in an input: a string, or
/// the strings inside a collection or dictionary (keys and values).
/// </summary>
public sealed class InputValidationOptions
{
    /// <summary>The default of <see cref="MaxInputLength"/>.</summary>
    public const int DefaultMaxInputLength = 100_000;

    /// <summary>The default of <see cref="MaxRunInputLength"/>.</summary>
    public const int DefaultMaxRunInputLength = 400_000;

    /// <summary>
    /// Gets or sets whether the host applies the checks (set by configuration, or by <c>UseInputValidation()</c>). An
    /// <see cref="InputValidationMiddleware"/> you create and add yourself always runs.
    /// </summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool Enabled { get; set; }

    /// <summary>Gets or sets the largest size of one input, in characters.</summary>
    /// <value>The default value is <see cref="DefaultMaxInputLength"/>.</value>
    public int MaxInputLength { get; set; } = DefaultMaxInputLength;

    /// <summary>Gets or sets the largest size of all of a run's inputs together, in characters.</summary>
    /// <value>The default value is <see cref="DefaultMaxRunInputLength"/>.</value>
    public int MaxRunInputLength { get; set; } = DefaultMaxRunInputLength;

    /// <summary>
    /// Gets or sets whether inputs that no step reads are logged as a warning. Checked only when every step of the
    /// workflow is an <see cref="LlmStep"/> (transform and service steps may read any variable).
    /// </summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool WarnUnusedInputs { get; set; } = true;
}
