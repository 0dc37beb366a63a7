using Microsoft.Extensions.DependencyInjection;

namespace Workflows;

/// <summary>Builds the provider registry from the registrations, turning construction failures into clear errors.</summary>
internal static class ProviderRegistryFactory
{
    public static LlmProviderRegistry Create(IServiceProvider services)
    {
        var registry = new LlmProviderRegistry();
        foreach (var registration in services.GetServices<ProviderRegistration>())
        {
            LlmProvider? provider;
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

            registry.Register(registration.Name, provider!);
        }

        return registry;
    }
}
