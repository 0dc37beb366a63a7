using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Workflows.Hosting;

/// <summary>
/// Applies <c>GenAiWorkflows:LogLevel</c>, when it is set, to the library's log categories (<c>Workflows.*</c>).
/// </summary>
/// <remarks>
/// Reads the raw configuration value instead of <see cref="GenAiWorkflowOptions"/>: the logger factory is built before
/// the host starts, and a bad options value must fail the start with its validation message, not break logging.
/// An invalid value is ignored here and reported by the options validation.
/// </remarks>
internal sealed class WorkflowsLogLevelConfigurer(IServiceProvider services) : IConfigureOptions<LoggerFilterOptions>
{
    public const string CategoryPrefix = "Workflows";

    public void Configure(LoggerFilterOptions options)
    {
        var configured = (services.GetService(typeof(IConfiguration)) as IConfiguration)?
            [$"{GenAiWorkflowOptions.SectionName}:{nameof(GenAiWorkflowOptions.LogLevel)}"];
        if (Enum.TryParse<LogLevel>(configured, ignoreCase: true, out var level) && Enum.IsDefined(level))
        {
            options.Rules.Add(new LoggerFilterRule(providerName: null, CategoryPrefix, level, filter: null));
        }
    }
}
