namespace Workflows.Hosting;

/// <summary>
/// A key directly under <c>GenAiWorkflows</c> that a feature outside <see cref="GenAiWorkflowOptions"/> binds and validates
/// itself (such as <c>Providers</c>); the unknown-key check accepts it and everything below it.
/// </summary>
/// <param name="Key">The key, without the <c>GenAiWorkflows:</c> prefix.</param>
/// <param name="OptionsType">
/// The options type the section binds to, when the library owns it: the unknown-key check then checks the section against
/// that type's properties as it does for <see cref="GenAiWorkflowOptions"/>. <see langword="null"/> leaves the section to its owner.
/// </param>
internal sealed record ConfigurationSectionRegistration(string Key, Type? OptionsType = null);
