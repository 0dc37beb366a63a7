using Workflows.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Declares configuration owned by features outside <see cref="Workflows.GenAiWorkflowOptions"/>.</summary>
public static class WorkflowsConfigurationBuilderExtensions
{
    /// <summary>
    /// Declares a section directly under <c>GenAiWorkflows</c> (for example <c>Routing</c>) that a feature binds and validates
    /// itself. Without it, host start reports <c>GenAiWorkflows:&lt;key&gt;</c> as an unknown setting. <c>Providers</c> is
    /// always declared: each provider reads and checks its own <c>GenAiWorkflows:Providers:&lt;name&gt;:...</c> keys.
    /// </summary>
    /// <param name="builder">The workflows builder.</param>
    /// <param name="key">The key, without the <c>GenAiWorkflows:</c> prefix and without <c>:</c>.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentException"><paramref name="key"/> is empty or contains <c>:</c>.</exception>
    public static IWorkflowsBuilder AddConfigurationSection(this IWorkflowsBuilder builder, string key) =>
        builder.AddConfigurationSection(key, optionsType: null);

    /// <summary>
    /// Declares a section; with <paramref name="optionsType"/> the unknown-key check checks it against that type's
    /// properties. The first declaration of a key wins.
    /// </summary>
    internal static IWorkflowsBuilder AddConfigurationSection(this IWorkflowsBuilder builder, string key, Type? optionsType)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        if (key.Contains(':', StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{key}' must be a single key directly under GenAiWorkflows, without ':'.", nameof(key));
        }

        if (!builder.Services.Any(d => d.ImplementationInstance is ConfigurationSectionRegistration registration
                                       && string.Equals(registration.Key, key, StringComparison.OrdinalIgnoreCase)))
        {
            builder.Services.AddSingleton(new ConfigurationSectionRegistration(key, optionsType));
        }

        return builder;
    }
}
