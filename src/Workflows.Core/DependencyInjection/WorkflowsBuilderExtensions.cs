using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Workflows;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds providers, steps and workflows to GenAI Workflows.</summary>
public static partial class WorkflowsBuilderExtensions
{
    /// <summary>
    /// Registers a chat client type as the provider <paramref name="name"/>: the container creates it (a singleton, keyed
    /// <see cref="IChatClient"/> service under the provider's name) with its dependencies.
    /// </summary>
    /// <typeparam name="TClient">The Microsoft.Extensions.AI chat client type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The name steps and <c>GenAiWorkflows:DefaultProvider</c> use.</param>
    /// <param name="defaultModel">The model of steps that name none; see <see cref="ProviderRegistry.Register"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="PluginRegistrationException">The name is empty or already registered, or the type is abstract or has no public constructor.</exception>
    public static IWorkflowsBuilder AddProvider<TClient>(this IWorkflowsBuilder builder, string name, string? defaultModel = null)
        where TClient : class, IChatClient
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (typeof(TClient).IsAbstract)
        {
            throw new PluginRegistrationException(
                $"Provider type {typeof(TClient).FullName} is abstract; register a concrete type.", name, typeof(TClient));
        }

        if (typeof(TClient).GetConstructors().Length == 0)
        {
            throw new PluginRegistrationException(
                $"Provider type {typeof(TClient).FullName} has no public constructor, so the container cannot create it. " +
                "Add a public constructor or register it with AddProvider(name, factory).",
                name, typeof(TClient));
        }

        AddRegistration(builder, name, typeof(TClient), provider => provider.GetRequiredKeyedService<IChatClient>(name), defaultModel);
        builder.Services.AddKeyedSingleton<IChatClient, TClient>(name);
        return builder;
    }

    /// <summary>
    /// Registers a chat client created by a factory as the provider <paramref name="name"/> (also resolvable as the keyed
    /// <see cref="IChatClient"/> service of that name). The factory may build a pipeline, for example
    /// <c>new ChatClientBuilder(client).UseDistributedCache().Build(services)</c>.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The name steps and <c>GenAiWorkflows:DefaultProvider</c> use.</param>
    /// <param name="factory">Creates the client (once) from the container.</param>
    /// <param name="defaultModel">The model of steps that name none; see <see cref="ProviderRegistry.Register"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="PluginRegistrationException">The name is empty or already registered.</exception>
    public static IWorkflowsBuilder AddProvider(
        this IWorkflowsBuilder builder, string name, Func<IServiceProvider, IChatClient> factory, string? defaultModel = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(factory);
        AddRegistration(builder, name, implementationType: null, provider => provider.GetRequiredKeyedService<IChatClient>(name), defaultModel);
        builder.Services.AddKeyedSingleton(name, (provider, _) => factory(provider));
        return builder;
    }

    /// <summary>Registers a chat client instance as the provider <paramref name="name"/>.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The name steps and <c>GenAiWorkflows:DefaultProvider</c> use.</param>
    /// <param name="client">The client.</param>
    /// <param name="defaultModel">The model of steps that name none; see <see cref="ProviderRegistry.Register"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="PluginRegistrationException">The name is empty or already registered.</exception>
    public static IWorkflowsBuilder AddProvider(this IWorkflowsBuilder builder, string name, IChatClient client, string? defaultModel = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        return builder.AddProvider(name, _ => client, defaultModel);
    }

    /// <summary>
    /// Uses a chat client the application registered itself (<c>services.AddChatClient(...)</c>, or
    /// <c>AddKeyedChatClient(key, ...)</c> with <paramref name="serviceKey"/>) as the provider <paramref name="name"/>.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The provider name steps and <c>GenAiWorkflows:DefaultProvider</c> use.</param>
    /// <param name="serviceKey">The key of a keyed <see cref="IChatClient"/> registration; <see langword="null"/> for the unkeyed one.</param>
    /// <param name="defaultModel">The model of steps that name none; see <see cref="ProviderRegistry.Register"/>.</param>
    /// <returns>The builder.</returns>
    /// <remarks>
    /// A client built with <c>UseOpenTelemetry()</c> records the GenAI client spans and metrics itself; the engine then
    /// records its own workflow, step and cost telemetry only, so nothing is recorded twice.
    /// </remarks>
    public static IWorkflowsBuilder AddChatClientProvider(this IWorkflowsBuilder builder, string name, object? serviceKey = null, string? defaultModel = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        AddRegistration(builder, name, typeof(IChatClient), provider =>
        {
            var client = serviceKey is null ? provider.GetService<IChatClient>() : provider.GetKeyedService<IChatClient>(serviceKey);
            return client ?? throw new PluginRegistrationException(
                $"Provider '{name}' uses the application's IChatClient{(serviceKey is null ? string.Empty : $" keyed '{serviceKey}'")}, but none is registered. " +
                $"Register one first, for example services.{(serviceKey is null ? "AddChatClient(...)" : "AddKeyedChatClient(key, ...)")}, " +
                "or register the client with AddProvider(name, client).",
                name, typeof(IChatClient));
        }, defaultModel);
        return builder;
    }

    /// <summary>Registers a <see cref="MockChatClient"/>, configured by <paramref name="configure"/>, replacing the built-in mock by default.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Adds canned responses, refusals, tool calls, latency or scripted failures.</param>
    /// <param name="name">The name; <c>mock</c> by default.</param>
    /// <returns>The builder.</returns>
    public static IWorkflowsBuilder AddMockProvider(
        this IWorkflowsBuilder builder, Action<MockChatClient>? configure = null, string name = MockChatClient.DefaultName) =>
        builder.AddProvider(name, provider =>
        {
            var mock = new MockChatClient(provider.GetService<TimeProvider>());
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

    private static void AddRegistration(
        IWorkflowsBuilder builder, string name, Type? implementationType, Func<IServiceProvider, IChatClient> factory, string? defaultModel)
    {
        ProviderRegistry.ThrowIfInvalidName(name, implementationType);

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

        builder.Services.AddSingleton(new ProviderRegistration(name, implementationType, factory, string.IsNullOrWhiteSpace(defaultModel) ? null : defaultModel));
    }
}
