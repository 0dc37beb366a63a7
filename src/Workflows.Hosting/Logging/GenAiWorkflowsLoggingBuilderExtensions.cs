using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using Workflows;
using Workflows.Hosting;

namespace Microsoft.Extensions.Logging;

/// <summary>Adds JSON console logging with secret redaction for GenAI Workflows.</summary>
public static class GenAiWorkflowsLoggingBuilderExtensions
{
    /// <summary>
    /// Writes logs to the console as one JSON object per line, in the shape of the built-in JSON console formatter
    /// (<c>Timestamp</c>, <c>EventId</c>, <c>EventName</c>, <c>LogLevel</c>, <c>Category</c>, <c>Message</c>,
    /// <c>Exception</c>, <c>State</c>, <c>Scopes</c>), with API keys and bearer tokens replaced by <c>[REDACTED]</c> in every
    /// string: the message, state and scope values, and the exception text. The library's categories (<c>Workflows.*</c>)
    /// log at <c>GenAiWorkflows:LogLevel</c>.
    /// </summary>
    /// <remarks>
    /// Redacted: the values configured under any <c>...:ApiKey</c> key (such as <c>GenAiWorkflows:Providers:openai:ApiKey</c>)
    /// and in <c>OPENAI_API_KEY</c>/<c>AZURE_OPENAI_API_KEY</c>, read when the formatter is created; <c>sk-...</c> keys;
    /// <c>Bearer</c> tokens; <c>api-key: ...</c> values; 32-hex-character keys (except the entry's trace and correlation ids);
    /// and whole values of secret-named state keys (<c>ApiKey</c>, <c>Authorization</c>, <c>Password</c>...). Only this console
    /// sink is redacted: other logging providers the application adds receive the original text.
    /// </remarks>
    /// <param name="builder">The logging builder.</param>
    /// <param name="configure">Adjusts the formatter (timestamp format, scopes, UTC); scopes are included by default.</param>
    /// <returns>The builder, for chaining.</returns>
    public static ILoggingBuilder AddGenAiWorkflowsJsonLogging(this ILoggingBuilder builder, Action<JsonConsoleFormatterOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddConsole(static options => options.FormatterName = RedactingJsonConsoleFormatter.FormatterName);
        builder.AddConsoleFormatter<RedactingJsonConsoleFormatter, JsonConsoleFormatterOptions>(options =>
        {
            options.IncludeScopes = true;
            configure?.Invoke(options);
        });

        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(static provider => new SecretRedactor(ConfiguredSecrets.Read(provider.GetService<IConfiguration>())));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<LoggerFilterOptions>, WorkflowsLogLevelConfigurer>());
        return builder;
    }
}
