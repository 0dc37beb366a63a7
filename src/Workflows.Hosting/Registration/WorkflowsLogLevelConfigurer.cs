using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Workflows.Hosting;

/// <summary>Applies <see cref="GenAiWorkflowOptions.LogLevel"/> to the library's log categories (<c>Workflows.*</c>).</summary>
/// <remarks>
/// Logging is built with the host, before <c>StartAsync</c>. Reading <c>IOptions&lt;GenAiWorkflowOptions&gt;.Value</c> here
/// would validate the options then and throw any configuration error from <c>Build()</c>; so the options are configured
/// without validation, and an invalid setting leaves the default filter for <c>ValidateOnStart</c> to report.
/// </remarks>
internal sealed class WorkflowsLogLevelConfigurer(
    IEnumerable<IConfigureOptions<GenAiWorkflowOptions>> setups,
    IEnumerable<IPostConfigureOptions<GenAiWorkflowOptions>> postSetups) : IConfigureOptions<LoggerFilterOptions>
{
    public const string CategoryPrefix = "Workflows";

    public void Configure(LoggerFilterOptions filterOptions)
    {
        var options = new GenAiWorkflowOptions();
        try
        {
            foreach (var setup in setups)
            {
                if (setup is IConfigureNamedOptions<GenAiWorkflowOptions> named)
                {
                    named.Configure(Options.DefaultName, options);
                }
                else
                {
                    setup.Configure(options);
                }
            }

            foreach (var postSetup in postSetups)
            {
                postSetup.PostConfigure(Options.DefaultName, options);
            }
        }
        catch (OptionsValidationException)
        {
            return;
        }

        if (Enum.IsDefined(options.LogLevel))
        {
            filterOptions.Rules.Add(new LoggerFilterRule(providerName: null, CategoryPrefix, options.LogLevel, filter: null));
        }
    }
}
