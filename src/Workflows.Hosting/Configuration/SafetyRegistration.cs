using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Workflows.Hosting;

/// <summary>
/// Binds <see cref="SafetyOptions"/> from <c>GenAiWorkflows:Safety</c> (validated on start) and builds the engine's
/// middleware list with the enabled guardrails in place.
/// </summary>
internal static class SafetyRegistration
{
    public static void AddSafetyOptions(IServiceCollection services)
    {
        services.AddOptions<SafetyOptions>()
            .Configure<IServiceProvider>(static (options, provider) =>
            {
                if (provider.GetService<IConfiguration>() is { } configuration)
                {
                    CheckedBinder.Bind(configuration.GetSection(SafetyOptions.SectionName), options);
                }
            })
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SafetyOptions>, SafetyOptionsValidator>());

        // GenAiWorkflows:Safety binds to SafetyOptions: the unknown-key check checks it against that type.
        new WorkflowsBuilder(services).AddConfigurationSection("Safety", typeof(SafetyOptions));
    }

    /// <summary>
    /// The engine's middleware: input validation and the prompt-injection guard first (they judge the caller's inputs
    /// before anything else runs), the registered middleware, then PII redaction last, so that it sees the messages as
    /// they will be sent and the responses as the step will receive them.
    /// </summary>
    public static IEnumerable<WorkflowMiddleware> WithGuardrails(IServiceProvider provider, IEnumerable<WorkflowMiddleware> registered)
    {
        var safety = provider.GetRequiredService<IOptions<SafetyOptions>>().Value;
        var middleware = new List<WorkflowMiddleware>();
        if (safety.Inputs.Enabled)
        {
            middleware.Add(new InputValidationMiddleware(safety.Inputs));
        }

        if (safety.PromptInjection.Enabled)
        {
            middleware.Add(new PromptInjectionGuardMiddleware(safety.PromptInjection));
        }

        middleware.AddRange(registered);
        if (safety.Pii.Enabled)
        {
            middleware.Add(new PiiRedactionMiddleware(safety.Pii));
        }

        return middleware;
    }
}
