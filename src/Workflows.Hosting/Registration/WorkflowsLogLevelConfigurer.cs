using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Workflows.Hosting;

/// <summary>
/// Applies <see cref="GenAiWorkflowOptions.LogLevel"/> to the library's own log categories, and only where the application
/// configured nothing for them: a rule from <c>Logging:LogLevel:Workflows.Engine</c> (or <c>Logging:LogLevel:Workflows</c>,
/// or <c>AddFilter(...)</c>) always wins.
/// </summary>
/// <remarks>
/// <para>
/// The library's categories are <c>Workflows.Engine</c>, <c>Workflows.Steps</c>, <c>Workflows.Middleware</c>,
/// <c>Workflows.Hosting</c> and <c>Workflows.Providers.*</c>; an application's own <c>Workflows...</c> namespaces are never
/// matched. When <c>GenAiWorkflows:LogLevel</c> is not set (neither in configuration nor in code), no rule is added and the
/// application's <c>Logging:LogLevel:Default</c> applies to the library too.
/// </para>
/// <para>
/// This runs as a post-configuration, after every rule the application added, whatever the registration order. Logging is
/// built with the host, before <c>StartAsync</c>: reading <c>IOptions&lt;GenAiWorkflowOptions&gt;.Value</c> here would
/// validate the options then and throw any configuration error from <c>Build()</c>; so the options are configured without
/// validation, and an invalid setting leaves the filters alone for <c>ValidateOnStart</c> to report.
/// </para>
/// </remarks>
internal sealed class WorkflowsLogLevelConfigurer(
    IEnumerable<IConfigureOptions<GenAiWorkflowOptions>> setups,
    IEnumerable<IPostConfigureOptions<GenAiWorkflowOptions>> postSetups,
    IConfiguration? configuration = null) : IPostConfigureOptions<LoggerFilterOptions>
{
    /// <summary>The library's log categories; a trailing <c>*</c> matches any suffix.</summary>
    public static readonly IReadOnlyList<string> Categories =
        ["Workflows.Engine", "Workflows.Steps", "Workflows.Middleware", "Workflows.Hosting", "Workflows.Providers.*"];

    private static readonly string LogLevelKey = $"{GenAiWorkflowOptions.SectionName}:{nameof(GenAiWorkflowOptions.LogLevel)}";

    public void PostConfigure(string? name, LoggerFilterOptions filterOptions)
    {
        ArgumentNullException.ThrowIfNull(filterOptions);
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

        var isSet = configuration?[LogLevelKey] is not null || options.LogLevel != new GenAiWorkflowOptions().LogLevel;
        if (!isSet || !Enum.IsDefined(options.LogLevel))
        {
            return;
        }

        // Rules for every provider only: a provider-specific rule of the application wins over any such rule anyway.
        var appRules = filterOptions.Rules.Where(static r => r.ProviderName is null && r.CategoryName is not null).ToArray();
        foreach (var category in Categories)
        {
            if (!appRules.Any(rule => Covers(rule.CategoryName!, category)))
            {
                filterOptions.Rules.Add(new LoggerFilterRule(providerName: null, category, options.LogLevel, filter: null));
            }
        }
    }

    /// <summary>
    /// Whether an application rule for <paramref name="ruleCategory"/> covers a library category: the category itself or a
    /// broader prefix of it (<c>Workflows</c>, <c>Workflows.Eng*</c>). A narrower rule (<c>Workflows.Providers.OpenAI</c>) needs
    /// no check: it is more specific than the library's rule and wins for its own categories.
    /// </summary>
    internal static bool Covers(string ruleCategory, string libraryCategory)
    {
        var prefix = libraryCategory.TrimEnd('*');
        var wildcard = ruleCategory.IndexOf('*', StringComparison.Ordinal);
        var rulePrefix = wildcard < 0 ? ruleCategory : ruleCategory[..wildcard];
        return prefix.StartsWith(rulePrefix, StringComparison.OrdinalIgnoreCase);
    }
}
