using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Workflows.Hosting.Tests.Configuration;

public sealed class BudgetConfigurationTests
{
    private static IHost BuildHost(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddGenAiWorkflows(wf => wf.AddMockProvider(m => m.WithFallback(new string('x', 40))));
        return builder.Build();
    }

    [Fact]
    public async Task Budget_FromConfiguration_StopsRunWithConfigurationBudgetNamed()
    {
        using var host = BuildHost(new() { ["GenAiWorkflows:Budget:MaxTokens"] = "30", ["GenAiWorkflows:MaxTokens"] = "10" });
        await host.StartAsync();
        var engine = host.Services.GetRequiredService<IWorkflowEngine>();
        var workflow = Workflow.Create("cfg-budget").AddLlmStep("a", new string('p', 40)).AddLlmStep("b", new string('q', 40)).Build();

        var result = await engine.ExecuteAsync(workflow);
        await host.StopAsync();

        Assert.Equal(WorkflowStatus.Failed, result.Status);
        Assert.Equal(ErrorKind.BudgetExceeded, result.Error?.Kind);
        Assert.Contains("configuration token budget of 30 tokens", result.Error?.Message, StringComparison.Ordinal);
        Assert.Equal(StepStatus.Completed, result.Steps[0].Status);
    }

    [Theory]
    [InlineData("GenAiWorkflows:Budget:MaxTokens", "lots", "GENAI_WORKFLOW_BUDGET__MAX_TOKENS")]
    [InlineData("GenAiWorkflows:Budget:MaxTokens", "0", "GenAiWorkflows__Budget__MaxTokens")]
    [InlineData("GenAiWorkflows:Budget:MaxCostUsd", "-1", "GENAI_WORKFLOW_BUDGET__MAX_COST_USD")]
    public async Task Budget_BadValue_HostStartFailsNamingKeyValueAndVariable(string key, string value, string variable)
    {
        using var host = BuildHost(new() { [key] = value });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
        Assert.Contains($"'{value}'", error.Message, StringComparison.Ordinal);
        Assert.Contains(variable, error.Message, StringComparison.Ordinal);
    }
}
