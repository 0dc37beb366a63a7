using Microsoft.Extensions.Compliance.Classification;

namespace Workflows.Hosting;

/// <summary>
/// The data classifications of the library's log parameters, in the taxonomy <c>GenAiWorkflows</c>. Core's
/// <c>[LoggerMessage]</c> parameters carry attributes of these classifications; the redactors for them are set by
/// <c>AddGenAiWorkflowsRedaction()</c>.
/// </summary>
internal static class WorkflowsDataClassifications
{
    /// <summary>The taxonomy name.</summary>
    public const string TaxonomyName = "GenAiWorkflows";

    /// <summary>
    /// Credentials (API keys, tokens, authorization headers): always replaced whole by <see cref="SecretRedactor.Mask"/>.
    /// </summary>
    public static DataClassification Secret { get; } = new(TaxonomyName, nameof(Secret));

    /// <summary>
    /// Text that comes from users, models or remote services and may quote a secret (prompts, completions, inputs, error
    /// messages): configured secrets and key shapes are masked, the rest is kept.
    /// </summary>
    public static DataClassification UserContent { get; } = new(TaxonomyName, nameof(UserContent));
}
