using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Workflows.Hosting.Tests.TestSupport;

namespace Workflows.Hosting.Tests.Configuration;

[Collection(EnvironmentVariablesCollection.Name)]
public sealed class SafetyConfigurationEnvironmentTests
{
    [Fact]
    public async Task SafetyOptions_FromEnvironmentVariables_BothFormsBind()
    {
        using var variables = new EnvironmentVariables()
            .Set("GENAI_WORKFLOW_SAFETY__PII__ENABLED", "true")
            .Set("GENAI_WORKFLOW_SAFETY__PROMPT_INJECTION__ACTION", "Warn")
            .Set("GenAiWorkflows__Safety__Inputs__MaxInputLength", "77");
        using var test = TestHost.Create();
        test.Builder.Configuration.AddGenAiWorkflowsConfiguration();
        test.Services(static s => s.AddGenAiWorkflows());
        using var host = test.Build();

        await host.StartAsync().WaitAsync(TestHost.Timeout);
        var options = host.Services.GetRequiredService<IOptions<SafetyOptions>>().Value;
        await host.StopAsync().WaitAsync(TestHost.Timeout);

        Assert.True(options.Pii.Enabled);
        Assert.Equal(PromptInjectionGuardAction.Warn, options.PromptInjection.Action);
        Assert.Equal(77, options.Inputs.MaxInputLength);
    }

    [Fact]
    public async Task SafetyOptions_FromAppSettingsAndYaml_YamlOverridesJson()
    {
        using var test = TestHost.Create(static dir =>
        {
            File.WriteAllText(Path.Combine(dir, "appsettings.json"), """
                { "GenAiWorkflows": { "Safety": {
                    "Pii": { "Enabled": true, "Action": "Block", "DisabledRecognizers": [ "PHONE" ] },
                    "Inputs": { "MaxInputLength": 1000 } } } }
                """);
            File.WriteAllText(Path.Combine(dir, "config.yaml"), """
                GenAiWorkflows:
                  Safety:
                    Pii:
                      Action: Redact
                    PromptInjection:
                      Enabled: true
                      ScanStepOutputs: true
                """);
        });
        test.Builder.Configuration.AddGenAiWorkflowsConfiguration();
        test.Services(static s => s.AddGenAiWorkflows());
        using var host = test.Build();

        await host.StartAsync().WaitAsync(TestHost.Timeout);
        var options = host.Services.GetRequiredService<IOptions<SafetyOptions>>().Value;
        await host.StopAsync().WaitAsync(TestHost.Timeout);

        Assert.True(options.Pii.Enabled);
        Assert.Equal(PiiGuardAction.Redact, options.Pii.Action);
        Assert.Equal(["PHONE"], options.Pii.DisabledRecognizers);
        Assert.True(options.PromptInjection.Enabled);
        Assert.True(options.PromptInjection.ScanStepOutputs);
        Assert.Equal(1000, options.Inputs.MaxInputLength);
    }
}
