using Microsoft.Extensions.Compliance.Classification;

namespace Workflows;

/// <summary>
/// The data classifications of the library's log parameters, in the taxonomy <c>GenAiWorkflows</c>. With
/// <c>EnableRedaction()</c> (Microsoft.Extensions.Telemetry) every logging sink gets the classified values through the
/// redactor configured for their classification; <c>AddGenAiWorkflowsRedaction()</c> configures the library's own.
/// </summary>
internal static class WorkflowsDataClassification
{
    /// <summary>The taxonomy name.</summary>
    public const string TaxonomyName = "GenAiWorkflows";

    /// <summary>Credentials (API keys, tokens, authorization headers): always replaced whole.</summary>
    public static DataClassification Secret { get; } = new(TaxonomyName, nameof(Secret));

    /// <summary>
    /// Text that comes from users, models or remote services and may quote a secret (prompts, completions, error messages,
    /// endpoints): configured secrets and key shapes are masked, the rest is kept.
    /// </summary>
    public static DataClassification UserContent { get; } = new(TaxonomyName, nameof(UserContent));
}

/// <summary>Marks a log parameter as <see cref="WorkflowsDataClassification.UserContent"/>.</summary>
[AttributeUsage(AttributeTargets.Parameter | AttributeTargets.Property | AttributeTargets.Field)]
internal sealed class UserContentDataAttribute() : DataClassificationAttribute(WorkflowsDataClassification.UserContent);

/// <summary>Marks a log parameter as <see cref="WorkflowsDataClassification.Secret"/>.</summary>
[AttributeUsage(AttributeTargets.Parameter | AttributeTargets.Property | AttributeTargets.Field)]
internal sealed class SecretDataAttribute() : DataClassificationAttribute(WorkflowsDataClassification.Secret);
