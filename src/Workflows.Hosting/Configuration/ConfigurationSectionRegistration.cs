namespace Workflows.Hosting;

/// <summary>
/// A key directly under <c>GenAiWorkflows</c> that a feature outside <see cref="GenAiWorkflowOptions"/> binds and validates
/// itself (such as <c>Providers</c>); the unknown-key check accepts it and everything below it.
/// </summary>
/// <param name="Key">The key, without the <c>GenAiWorkflows:</c> prefix.</param>
internal sealed record ConfigurationSectionRegistration(string Key);
