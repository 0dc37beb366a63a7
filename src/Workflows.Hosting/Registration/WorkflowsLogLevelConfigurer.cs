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
        ["Workflows.Engine", "Workflows.Steps", "Workflows.Middleware", "Workflows.Hosting", ProviderFamily];

    private const string ProviderFamily = "Workflows.Providers.*";

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
        var uncovered = Categories.Where(category => !appRules.Any(rule => Covers(rule.CategoryName!, category))).ToArray();
        foreach (var category in uncovered)
        {
            filterOptions.Rules.Add(new LoggerFilterRule(providerName: null, category, options.LogLevel, filter: null));
        }

        // An application rule that ends in a suffix (*.OpenAI) can apply to some providers only, and would lose to the longer
        // provider rule just added: it is repeated inside the provider family, where it then wins for the providers it applies to.
        if (uncovered.Contains(ProviderFamily))
        {
            foreach (var rule in appRules)
            {
                if (ProviderSuffix(rule.CategoryName!) is { } suffix)
                {
                    filterOptions.Rules.Add(new LoggerFilterRule(providerName: null, ProviderFamily + suffix, rule.LogLevel, rule.Filter));
                }
            }
        }
    }

    /// <summary>
    /// Whether an application rule for <paramref name="ruleCategory"/> applies where the library's rule for
    /// <paramref name="libraryCategory"/> would, and would lose to it: the logging filter prefers the rule with the longer
    /// category name, so the library adds no rule where such an application rule applies. A rule applies to a category as
    /// the logging filter matches it: the text before its <c>*</c> starts the category and the text after it ends it (a rule
    /// without <c>*</c> is a prefix: <c>Workflows</c> applies to <c>Workflows.Engine</c>).
    /// </summary>
    /// <remarks>
    /// The provider family (<c>Workflows.Providers.*</c>) is covered by a rule without suffix that applies to all of it and is
    /// not longer than its rule (<c>Workflows</c>, <c>*</c>); a longer rule (<c>Workflows.Providers.OpenAI</c>) wins for its
    /// own categories anyway, and a rule with a suffix is repeated inside the family (<see cref="ProviderSuffix"/>).
    /// </remarks>
    internal static bool Covers(string ruleCategory, string libraryCategory)
    {
        var (rulePrefix, ruleSuffix) = Split(ruleCategory);
        if (!libraryCategory.EndsWith('*'))
        {
            return libraryCategory.StartsWith(rulePrefix, StringComparison.OrdinalIgnoreCase) &&
                libraryCategory.EndsWith(ruleSuffix, StringComparison.OrdinalIgnoreCase);
        }

        return ruleSuffix.Length == 0 && ruleCategory.Length <= libraryCategory.Length &&
            libraryCategory[..^1].StartsWith(rulePrefix, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// The suffix of an application rule (<c>*.OpenAI</c>) that can apply to some providers but would lose to the provider
    /// family's rule (not longer than it: an equal length loses too, the library's rule coming later); <see langword="null"/>
    /// for any other rule. Called only while no rule covers the family, so a rule without suffix never gets here with a
    /// prefix of the family and a length that loses.
    /// </summary>
    private static string? ProviderSuffix(string ruleCategory)
    {
        var (rulePrefix, ruleSuffix) = Split(ruleCategory);
        return ruleCategory.Length <= ProviderFamily.Length && ProviderFamily[..^1].StartsWith(rulePrefix, StringComparison.OrdinalIgnoreCase)
            ? ruleSuffix
            : null;
    }

    private static (string Prefix, string Suffix) Split(string ruleCategory)
    {
        var wildcard = ruleCategory.IndexOf('*', StringComparison.Ordinal);
        return wildcard < 0 ? (ruleCategory, string.Empty) : (ruleCategory[..wildcard], ruleCategory[(wildcard + 1)..]);
    }
}
