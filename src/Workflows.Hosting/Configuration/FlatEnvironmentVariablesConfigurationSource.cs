using System.Collections;
using Microsoft.Extensions.Configuration;

namespace Workflows.Hosting;

/// <summary>
/// Reads the flat <c>GENAI_WORKFLOW_*</c> environment variables as <c>GenAiWorkflows:*</c> keys
/// (<c>GENAI_WORKFLOW_DEFAULT_MODEL</c> sets <c>GenAiWorkflows:DefaultModel</c>).
/// </summary>
internal sealed class FlatEnvironmentVariablesConfigurationSource : IConfigurationSource
{
    /// <summary>Gets or sets where the variables come from; the process environment when <see langword="null"/> (tests pass their own).</summary>
    public IDictionary? Variables { get; init; }

    public IConfigurationProvider Build(IConfigurationBuilder builder) => new Provider(Variables);

    private sealed class Provider(IDictionary? variables) : ConfigurationProvider
    {
        public override void Load()
        {
            var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            foreach (DictionaryEntry entry in variables ?? Environment.GetEnvironmentVariables())
            {
                var name = entry.Key as string;
                if (name is null || name.Length <= EnvironmentVariableNames.AliasPrefix.Length ||
                    !name.StartsWith(EnvironmentVariableNames.AliasPrefix, StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                var key = EnvironmentVariableNames.AliasSuffixToKey(name[EnvironmentVariableNames.AliasPrefix.Length..]);
                data[$"{GenAiWorkflowOptions.SectionName}:{key}"] = entry.Value as string;
            }

            Data = data;
        }
    }
}
