using Microsoft.Extensions.DependencyInjection.Extensions;
using Workflows;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds providers, steps and workflows to GenAI Workflows.</summary>
public static class WorkflowsBuilderExtensions
{
    /// <summary>
    /// Registers a provider type under a name; the container creates it (a singleton) with its dependencies.
    /// </summary>
    /// <typeparam name="TProvider">The provider type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The name steps and <c>GenAiWorkflows:DefaultProvider</c> use.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="PluginRegistrationException">The name is empty or already registered, or the type is abstract.</exception>
    public static IWorkflowsBuilder AddProvider<TProvider>(this IWorkflowsBuilder builder, string name)
        where TProvider : LlmProvider
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (typeof(TProvider).IsAbstract)
        {
            throw new PluginRegistrationException(
                $"Provider type {typeof(TProvider).FullName} is abstract; register a concrete type.", name, typeof(TProvider));
        }

        if (typeof(TProvider).GetConstructors().Length == 0)
        {
            throw new PluginRegistrationException(
                $"Provider type {typeof(TProvider).FullName} has no public constructor, so the container cannot create it. " +
                "Add a public constructor or register it with AddProvider(name, factory).",
                name, typeof(TProvider));
        }

        AddRegistration(builder, name, typeof(TProvider), provider => provider.GetRequiredKeyedService<LlmProvider>(name));
        builder.Services.AddKeyedSingleton<LlmProvider, TProvider>(name);
        return builder;
    }

    /// <summary>Registers a provider created by a factory under a name.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The name steps and <c>GenAiWorkflows:DefaultProvider</c> use.</param>
    /// <param name="factory">Creates the provider (once) from the container.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="PluginRegistrationException">The name is empty or already registered.</exception>
    public static IWorkflowsBuilder AddProvider(this IWorkflowsBuilder builder, string name, Func<IServiceProvider, LlmProvider> factory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(factory);
        AddRegistration(builder, name, implementationType: null, provider => provider.GetRequiredKeyedService<LlmProvider>(name));
        builder.Services.AddKeyedSingleton(name, (provider, _) => factory(provider));
        return builder;
    }

    /// <summary>Registers a <see cref="MockLlmProvider"/>, configured by <paramref name="configure"/>, replacing the built-in mock by default.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Adds canned responses, latency or scripted failures.</param>
    /// <param name="name">The name; <c>mock</c> by default.</param>
    /// <returns>The builder.</returns>
    public static IWorkflowsBuilder AddMockProvider(
        this IWorkflowsBuilder builder, Action<MockLlmProvider>? configure = null, string name = MockLlmProvider.DefaultName) =>
        builder.AddProvider(name, provider =>
        {
            var mock = new MockLlmProvider(provider.GetService<TimeProvider>());
            configure?.Invoke(mock);
            return mock;
        });

    /// <summary>
    /// Registers a step type, resolved from each run's service scope (so it may take scoped services).
    /// Use it in a workflow with <see cref="WorkflowBuilder.AddStep{TStep}(string?, bool, string?, TimeSpan?)"/>.
    /// </summary>
    /// <typeparam name="TStep">The step type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IWorkflowsBuilder AddStep<TStep>(this IWorkflowsBuilder builder)
        where TStep : WorkflowStep
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddTransient<TStep>();
        if (!builder.Services.Any(static d => d.ImplementationInstance is StepTypeRegistration { StepType: var type } && type == typeof(TStep)))
        {
            builder.Services.AddSingleton(new StepTypeRegistration(typeof(TStep)));
        }

        return builder;
    }

    /// <summary>Registers a workflow that the engine runs by name.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The workflow's name.</param>
    /// <param name="configure">Adds the steps.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="WorkflowException">The definition is invalid (reported when the engine is first created).</exception>
    public static IWorkflowsBuilder AddWorkflow(this IWorkflowsBuilder builder, string name, Action<WorkflowBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.AddSingleton(new WorkflowRegistration(name, _ =>
        {
            var workflow = new WorkflowBuilder(name);
            configure(workflow);
            return workflow.Build();
        }));
        return builder;
    }

    /// <summary>Registers a built workflow that the engine runs by its name.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="workflow">The workflow.</param>
    /// <returns>The builder.</returns>
    public static IWorkflowsBuilder AddWorkflow(this IWorkflowsBuilder builder, Workflow workflow)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(workflow);
        builder.Services.AddSingleton(new WorkflowRegistration(workflow.Name, _ => workflow));
        return builder;
    }

    /// <summary>
    /// Adds a middleware type, created once by the container. Hooks run in registration order: the first registered
    /// runs first for every hook.
    /// </summary>
    /// <typeparam name="TMiddleware">The middleware type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IWorkflowsBuilder UseMiddleware<TMiddleware>(this IWorkflowsBuilder builder)
        where TMiddleware : WorkflowMiddleware
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<WorkflowMiddleware, TMiddleware>());
        return builder;
    }

    /// <summary>Adds a middleware instance. Hooks run in registration order.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="middleware">The middleware.</param>
    /// <returns>The builder.</returns>
    public static IWorkflowsBuilder UseMiddleware(this IWorkflowsBuilder builder, WorkflowMiddleware middleware)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(middleware);
        builder.Services.AddSingleton(middleware);
        return builder;
    }

    private static void AddRegistration(IWorkflowsBuilder builder, string name, Type? implementationType, Func<IServiceProvider, LlmProvider> factory)
    {
        LlmProviderRegistry.ThrowIfInvalidName(name, implementationType);

        var existing = builder.Services
            .Where(static d => d.ServiceType == typeof(ProviderRegistration) && d.ImplementationInstance is ProviderRegistration)
            .Select(static d => (ProviderRegistration)d.ImplementationInstance!)
            .FirstOrDefault(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase));
        if (existing is not null)
        {
            throw new PluginRegistrationException(
                $"A provider named '{existing.Name}' ({existing.ImplementationType?.FullName ?? "factory"}) is already registered; " +
                "names are case-insensitive. Use another name.",
                name, implementationType);
        }

        builder.Services.AddSingleton(new ProviderRegistration(name, implementationType, factory));
    }
}
