using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Workflows;
using Workflows.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers GenAI Workflows in a service collection.</summary>
public static class WorkflowsServiceCollectionExtensions
{
    /// <summary>
    /// Registers the workflow engine (<see cref="IWorkflowEngine"/>), the provider registry with the built-in mock,
    /// <see cref="GenAiWorkflowOptions"/> bound from the <c>GenAiWorkflows</c> section and validated on start (and
    /// <see cref="SafetyOptions"/> from <c>GenAiWorkflows:Safety</c>, whose enabled guardrails apply to every run), and the
    /// hosted service that initializes providers at start and cleans them up at stop. Safe to call more than once.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <returns>A builder to add providers, steps and workflows.</returns>
    public static IWorkflowsBuilder AddGenAiWorkflows(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (!services.Any(static d => d.ServiceType == typeof(WorkflowsMarker)))
        {
            services.AddSingleton<WorkflowsMarker>();
            services.AddLogging();
            services.AddMetrics();
            services.TryAddSingleton(TimeProvider.System);

            services.AddOptions<GenAiWorkflowOptions>()
                .Configure<IServiceProvider>(static (options, provider) =>
                {
                    if (provider.GetService<IConfiguration>() is { } configuration)
                    {
                        CheckedBinder.Bind(
                            configuration.GetSection(GenAiWorkflowOptions.SectionName), options, allowed: GenAiWorkflowOptionsValidator.Allowed);
                    }
                })
                .ValidateOnStart();
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GenAiWorkflowOptions>, GenAiWorkflowOptionsValidator>());
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GenAiWorkflowOptions>, UnknownConfigurationKeysValidator>());
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<LoggerFilterOptions>, WorkflowsLogLevelConfigurer>());
            SafetyRegistration.AddSafetyOptions(services);

            services.TryAddSingleton(ProviderRegistryFactory.Create);

            // The built-in mock is a keyed IChatClient like every provider (AddMockProvider registers a replacement after it).
            services.TryAddKeyedSingleton<Microsoft.Extensions.AI.IChatClient>(
                MockChatClient.DefaultName, static (provider, _) => provider.GetRequiredService<ProviderRegistry>().Get(MockChatClient.DefaultName));
            services.TryAddSingleton(static provider =>
            {
                var catalog = new WorkflowCatalog();
                foreach (var registration in provider.GetServices<WorkflowRegistration>())
                {
                    catalog.Add(registration.Factory(provider));
                }

                var stepTypes = provider.GetServices<StepTypeRegistration>().ToArray();
                var definitions = provider.GetRequiredService<IOptions<GenAiWorkflowOptions>>().Value.Workflows;
                foreach (var (_, workflow, error) in WorkflowDefinition.BuildAll(definitions, stepName => StepTypeRegistration.Resolve(stepTypes, stepName)))
                {
                    catalog.Add(workflow ?? throw error!);
                }

                return catalog;
            });
            services.TryAddSingleton(static provider => new WorkflowEngine(
                provider.GetRequiredService<ProviderRegistry>(),
                provider.GetRequiredService<IOptions<GenAiWorkflowOptions>>().Value,
                ownsProviders: false,
                provider.GetRequiredService<IServiceScopeFactory>(),
                provider.GetRequiredService<WorkflowCatalog>(),
                provider.GetService<ILoggerFactory>(),
                provider.GetService<TimeProvider>(),
                provider.GetService<IMeterFactory>(),
                SafetyRegistration.WithGuardrails(provider, provider.GetServices<WorkflowMiddleware>()),
                new SecretRedactor(ConfiguredSecrets.Read(provider.GetService<IConfiguration>()))));
            services.TryAddSingleton<IWorkflowEngine>(static provider => provider.GetRequiredService<WorkflowEngine>());
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, WorkflowsHostedService>());
        }

        return new WorkflowsBuilder(services);
    }

    /// <summary>Registers GenAI Workflows and configures it. Safe to call more than once.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Adds providers, steps, workflows and middleware.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddGenAiWorkflows(this IServiceCollection services, Action<IWorkflowsBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        configure(services.AddGenAiWorkflows());
        return services;
    }
}
