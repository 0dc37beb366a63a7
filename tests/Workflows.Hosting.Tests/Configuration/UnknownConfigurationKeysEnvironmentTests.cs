using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Workflows.Hosting.Tests.TestSupport;

namespace Workflows.Hosting.Tests.Configuration;

/// <summary>Unknown keys set by environment variables: the message names the variable.</summary>
[Collection(EnvironmentVariablesCollection.Name)]
public sealed class UnknownConfigurationKeysEnvironmentTests
{
    private static async Task<OptionsValidationException> StartFailsAsync(TestHost test)
    {
        test.Builder.Configuration.AddGenAiWorkflowsConfiguration();
        test.Services(static s => s.AddGenAiWorkflows());
        using var host = test.Build();
        return await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync().WaitAsync(TestHost.Timeout));
    }

    [Fact]
    public async Task Validate_KeyInYamlAndEnvironment_NamesTheSourceThatWins()
    {
        using var env = new EnvironmentVariables().Set("GenAiWorkflows__MaxTokes", "20");
        using var test = TestHost.Create(static root => File.WriteAllText(
            Path.Combine(root, "config.yaml"), "GenAiWorkflows:\n  MaxTokes: 10\n"));

        var ex = await StartFailsAsync(test);

        Assert.Contains(
            "GenAiWorkflows:MaxTokes is not a known setting (set in the environment variable GenAiWorkflows__MaxTokes)",
            ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_KeyFromAlias_NamesTheAlias()
    {
        using var env = new EnvironmentVariables().Set("GENAI_WORKFLOW_MAX_TOKES", "20");
        using var test = TestHost.Create();

        var ex = await StartFailsAsync(test);

        Assert.Contains(
            "GenAiWorkflows:MaxTokes is not a known setting (set in a GENAI_WORKFLOW_* environment variable (GENAI_WORKFLOW_MAX_TOKES))",
            ex.Message, StringComparison.Ordinal);
    }
}
