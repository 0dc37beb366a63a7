using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Workflows;

/// <summary>Builds the provider registry from the registrations, turning construction failures into clear errors.</summary>
internal static class ProviderRegistryFactory
{
    public static ProviderRegistry Create(IServiceProvider services)
    {
        var registry = new ProviderRegistry();
        var configuration = services.GetService<IConfiguration>();
        foreach (var registration in services.GetServices<ProviderRegistration>())
        {
            IChatClient? provider;
            try
            {
                provider = registration.Factory(services);
            }
            catch (Exception ex) when (ex is not FrameworkException)
            {
                throw new PluginRegistrationException(
                    $"Provider '{registration.Name}' ({registration.ImplementationType?.FullName ?? "factory"}) could not be created " +
                    $"from the container: {ex.Message} Register the services its constructor needs.",
                    registration.Name, registration.ImplementationType, ex);
            }

            // The default model given in code, else GenAiWorkflows:Providers:<name>:DefaultModel from configuration.
            var configured = configuration?[$"{GenAiWorkflowOptions.SectionName}:Providers:{registration.Name}:DefaultModel"];
            registry.Register(registration.Name, provider!, registration.DefaultModel ?? (string.IsNullOrWhiteSpace(configured) ? null : configured));
        }

        return registry;
    }
}
