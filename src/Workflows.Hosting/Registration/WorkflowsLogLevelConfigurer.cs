using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Workflows.Hosting;

/// <summary>Applies <see cref="GenAiWorkflowOptions.LogLevel"/> to the library's log categories (<c>Workflows.*</c>).</summary>
internal sealed class WorkflowsLogLevelConfigurer(IOptions<GenAiWorkflowOptions> options) : IConfigureOptions<LoggerFilterOptions>
{
    public const string CategoryPrefix = "Workflows";

    public void Configure(LoggerFilterOptions filterOptions) =>
        filterOptions.Rules.Add(new LoggerFilterRule(providerName: null, CategoryPrefix, options.Value.LogLevel, filter: null));
}
