using Workflows.Hosting.Tests.TestSupport;

namespace Workflows.Hosting.Tests.Logging;

/// <summary>Which configured values the log redaction removes exactly.</summary>
[Collection(EnvironmentVariablesCollection.Name)]
public sealed class ConfiguredSecretsTests
{
    [Fact]
    public void Log_ApiKeyAtAnyDepthAndKeyVariablesInAnyCase_AreMaskedOtherSettingsKept()
    {
        using var logs = new RedactedLogs(new Dictionary<string, string?>
        {
            ["apikey"] = "top-level-value-0001",
            ["Providers:custom:APIKEY"] = "nested-value-0002",
            ["openai_api_key"] = "lower-openai-0003",
            ["azure_openai_api_key"] = "lower-azure-0004",
            ["Providers:custom:Endpoint"] = "endpoint-value-0005",
            ["Providers:custom:ApiKeyHint"] = "hint-value-0006",
            ["Providers:empty:ApiKey"] = string.Empty,
        });

        logs.Logger.Correlated("top-level-value-0001 nested-value-0002 lower-openai-0003 lower-azure-0004 endpoint-value-0005 hint-value-0006");

        Assert.Equal("Correlated [REDACTED] [REDACTED] [REDACTED] [REDACTED] endpoint-value-0005 hint-value-0006.", logs.Single.Message);
    }

    [Fact]
    public void Log_KeysOnlyInTheEnvironmentAndNoConfiguration_AreMasked()
    {
        using var environment = new EnvironmentVariables()
            .Set("OPENAI_API_KEY", "env-openai-value-0007")
            .Set("AZURE_OPENAI_API_KEY", "env-azure-value-0008");
        using var logs = new RedactedLogs();

        logs.Logger.Correlated("env-openai-value-0007 and env-azure-value-0008");

        Assert.Equal("Correlated [REDACTED] and [REDACTED].", logs.Single.Message);
    }
}
