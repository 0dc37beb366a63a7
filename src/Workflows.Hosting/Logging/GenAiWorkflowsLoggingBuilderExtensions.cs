using Microsoft.Extensions.Compliance.Classification;
using Microsoft.Extensions.Compliance.Redaction;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Workflows;
using Workflows.Hosting;

namespace Microsoft.Extensions.Logging;

/// <summary>Keeps secrets out of every logging sink of an application that uses GenAI Workflows.</summary>
public static class GenAiWorkflowsLoggingBuilderExtensions
{
    /// <summary>
    /// Redacts secrets in every log entry before it reaches any logging provider (console, OpenTelemetry, files...):
    /// enables Microsoft.Extensions.Telemetry's redaction (<c>EnableRedaction()</c>) with the library's redactors for its
    /// data classifications, and runs each entry's message, structured values, scopes, exception text and the tags of
    /// log enrichers through the same rule. The console format stays the application's choice (for JSON lines: <c>AddJsonConsole()</c>).
    /// </summary>
    /// <remarks>
    /// <para>
    /// Masked (replaced by <c>[REDACTED]</c>): the values configured under any <c>...:ApiKey</c> key (such as
    /// <c>GenAiWorkflows:Providers:openai:ApiKey</c>) and in <c>OPENAI_API_KEY</c>/<c>AZURE_OPENAI_API_KEY</c>, read when the
    /// logger factory is created; <c>sk-...</c> keys; <c>Bearer</c> tokens; <c>api-key: ...</c> values; and whole values
    /// logged under a secret name (<c>ApiKey</c>, <c>Authorization</c>, <c>Password</c>...), wherever else they appear in the
    /// entry. A bare 32-hex-character value (a trace id, the default correlation id) is kept.
    /// </para>
    /// <para>
    /// Data classifications (taxonomy <c>GenAiWorkflows</c>): <c>Secret</c> is replaced whole; <c>UserContent</c> (prompts,
    /// completions, error messages) has its secrets masked and the rest kept. To erase user content from logs altogether:
    /// <c>services.AddRedaction(r =&gt; r.SetRedactor&lt;ErasingRedactor&gt;(new DataClassificationSet(new DataClassification("GenAiWorkflows", "UserContent"))))</c>
    /// after this call.
    /// </para>
    /// <para>
    /// This wraps the <see cref="ILoggerFactory"/> registered when it is called: call it after anything else that replaces the
    /// logger factory (<c>EnableEnrichment()</c>, <c>EnableRedaction()</c> with options). Safe to call more than once.
    /// </para>
    /// </remarks>
    /// <param name="builder">The logging builder.</param>
    /// <returns>The builder, for chaining.</returns>
    public static ILoggingBuilder AddGenAiWorkflowsRedaction(this ILoggingBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        if (services.Any(static d => d.ServiceType == typeof(RedactionMarker)))
        {
            return builder;
        }

        services.AddSingleton<RedactionMarker>();
        // No discriminator: it appends ":<tag name>" to each classified value before redaction (for HMAC redactors), and
        // the library's masking redactor keeps the text, so the suffix would show in the logs.
        builder.EnableRedaction(static options => options.ApplyDiscriminator = false);
        services.AddRedaction(static redaction => redaction
            .SetRedactor<SecretMaskRedactor>(new DataClassificationSet(WorkflowsDataClassification.Secret))
            .SetRedactor<SecretMaskingRedactor>(new DataClassificationSet(WorkflowsDataClassification.UserContent)));
        services.TryAddSingleton(static provider =>
            new LogRedactor(new SecretRedactor(ConfiguredSecrets.Read(provider.GetService<IConfiguration>()))));

        var factories = services.Where(static d => d.ServiceType == typeof(ILoggerFactory) && !d.IsKeyedService).ToArray();
        var wrapped = factories.LastOrDefault() ?? ServiceDescriptor.Singleton<ILoggerFactory, LoggerFactory>();
        foreach (var descriptor in factories)
        {
            services.Remove(descriptor);
        }

        services.AddSingleton<ILoggerFactory>(provider =>
        {
            var redactor = provider.GetRequiredService<LogRedactor>();
            return new RedactingLoggerFactory(
                CreateInner(new RedactingEnrichersServiceProvider(provider, redactor), wrapped), redactor, provider.GetService<IRedactorProvider>());
        });
        return builder;
    }

    // The wrapped factory is created through a provider that hands it redacting log enrichers: the extended logger factory
    // adds the enrichers' tags to each entry after this wrapper has redacted it, so their values are redacted as they are added.
    private static ILoggerFactory CreateInner(IServiceProvider provider, ServiceDescriptor descriptor) => descriptor switch
    {
        { ImplementationInstance: ILoggerFactory instance } => new NotDisposed(instance),
        { ImplementationFactory: { } factory } => (ILoggerFactory)factory(provider),
        { ImplementationType: { } type } => (ILoggerFactory)ActivatorUtilities.CreateInstance(provider, type),
        _ => throw new InvalidOperationException("The registered ILoggerFactory cannot be wrapped for redaction."),
    };

    /// <summary>Marks a service collection in which redaction is already set up.</summary>
    private sealed class RedactionMarker;

    /// <summary>A factory the application registered as an instance: the application, not the container, disposes it.</summary>
    private sealed class NotDisposed(ILoggerFactory inner) : ILoggerFactory
    {
        public ILogger CreateLogger(string categoryName) => inner.CreateLogger(categoryName);

        public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

        public void Dispose()
        {
        }
    }
}
