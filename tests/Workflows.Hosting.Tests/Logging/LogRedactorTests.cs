using Microsoft.Extensions.Logging;

namespace Workflows.Hosting.Tests.Logging;

/// <summary>The redaction rule as every sink sees it: which values are masked, which pass unchanged and keep their type.</summary>
public sealed partial class LogRedactorTests
{
    private static readonly Guid GuidKey = new("6f9619ff-8b86-d011-b42d-00cf4fc964ff");
    private static readonly DateTime DateKey = new(2031, 12, 24, 18, 30, 0, DateTimeKind.Unspecified);

    [Fact]
    public void Log_NumberGuidEnumOrDateWhoseTextIsAConfiguredKey_IsMasked()
    {
        using var logs = new RedactedLogs(new Dictionary<string, string?>
        {
            ["GenAiWorkflows:Providers:numeric:ApiKey"] = "4815162342108",
            ["GenAiWorkflows:Providers:guid:ApiKey"] = GuidKey.ToString(),
            ["GenAiWorkflows:Providers:named:ApiKey"] = nameof(Region.ProductionWest),
            ["GenAiWorkflows:Providers:dated:ApiKey"] = "12/24/2031 18:30:00",
        });

        logs.Logger.ValuesLogged(4815162342108, GuidKey, Region.ProductionWest, DateKey, 42);

        var record = logs.Single;
        Assert.Equal("[REDACTED]", logs.Value("Number"));
        Assert.Equal("[REDACTED]", logs.Value("Tenant"));
        Assert.Equal("[REDACTED]", logs.Value("Region"));
        Assert.Equal("[REDACTED]", logs.Value("At"));
        Assert.Equal(42, logs.Value("Count"));
        Assert.DoesNotContain("4815162342108", record.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(GuidKey.ToString(), record.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(nameof(Region.ProductionWest), record.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Log_NumberGuidEnumAndDateWithoutSecrets_PassWithTheirType()
    {
        using var logs = new RedactedLogs(new Dictionary<string, string?> { ["GenAiWorkflows:Providers:openai:ApiKey"] = "cfg-unrelated-key-1234" });

        logs.Logger.ValuesLogged(4815162342108, GuidKey, Region.Staging, DateKey, 42);

        var record = logs.Single;
        Assert.Equal(4815162342108L, logs.Value("Number"));
        Assert.Equal(GuidKey, logs.Value("Tenant"));
        Assert.Equal(Region.Staging, logs.Value("Region"));
        Assert.Equal(DateKey, logs.Value("At"));
        Assert.Equal(42, logs.Value("Count"));
    }

    [Fact]
    public void Log_ValueEqualToOneLoggedUnderASecretName_IsMaskedWhateverItsType()
    {
        using var logs = new RedactedLogs();

        logs.Logger.PinUsed("90210777", 90210777);

        var record = logs.Single;
        Assert.Equal("[REDACTED]", logs.Value("Password"));
        Assert.Equal("[REDACTED]", logs.Value("Code"));
        Assert.Equal("Signed in with [REDACTED] (code [REDACTED]).", record.Message);
    }

    [Fact]
    public void Log_ObjectWhoseTextHoldsAKey_BecomesItsRedactedText()
    {
        using var logs = new RedactedLogs();
        var withKey = new Uri("https://example.test/v1?api-key=query-key-8812");
        var plain = new Uri("https://example.test/v1?page=2");

        logs.Logger.EndpointCalled(withKey, plain);

        var record = logs.Single;
        Assert.Equal("https://example.test/v1?api-key=[REDACTED]", logs.Value("Endpoint"));
        Assert.Same(plain, logs.Value("Next"));
        Assert.Equal("Called https://example.test/v1?api-key=[REDACTED], next https://example.test/v1?page=2.", record.Message);
    }

    [Fact]
    public void Log_TwoDifferentHexIdentifiers_BothStayVisible()
    {
        const string traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        const string correlationId = "0af7651916cd43dd8448eb211c80319c";
        using var logs = new RedactedLogs();

        logs.Logger.Correlated($"trace {traceId} run {correlationId}");

        Assert.Equal($"Correlated trace {traceId} run {correlationId}.", logs.Single.Message);
    }

    [Fact]
    public void Log_TextRedactedBefore_KeepsItsMasksExactlyOnce()
    {
        using var logs = new RedactedLogs();

        logs.Logger.Correlated("api-key: [REDACTED] and Bearer [REDACTED]");

        var record = logs.Single;
        Assert.Equal("Correlated api-key: [REDACTED] and Bearer [REDACTED].", record.Message);
        Assert.Equal("api-key: [REDACTED] and Bearer [REDACTED]", logs.Value("Detail"));
    }

    [Fact]
    public void Log_ClassifiedUserContentWithAKeySetting_IsMaskedOnceAcrossBothPasses()
    {
        using var logs = new RedactedLogs();

        logs.Logger.PromptLogged("send api-key: hdr-value-5566 now");

        var record = logs.Single;
        Assert.Equal("send api-key: [REDACTED] now", logs.Value("Prompt"));
        Assert.Equal("Prompt send api-key: [REDACTED] now", record.Message);
    }

    [Fact]
    public void Log_ControlCharacterWithoutAnyMask_PassesUnchanged()
    {
        using var logs = new RedactedLogs();

        logs.Logger.Correlated("a\u0001b");

        Assert.Equal("Correlated a\u0001b.", logs.Single.Message);
    }

    [Fact]
    public void Log_FormatterReturnsNull_SinkReceivesAnEmptyMessage()
    {
        using var logs = new RedactedLogs();
        var state = new object();

        logs.Logger.Log(LogLevel.Information, new EventId(9150), state, null, static (_, _) => null!);

        var record = logs.Single;
        Assert.Equal(string.Empty, record.Message);
        Assert.Equal(9150, record.Id.Id);
    }

    public enum Region
    {
        Staging,
        ProductionWest,
    }
}

internal static partial class ValueRedactionLog
{
    [LoggerMessage(EventId = 9101, Level = LogLevel.Information, Message = "Values {Number} {Tenant} {Region} {At} {Count}")]
    public static partial void ValuesLogged(this ILogger logger, long number, Guid tenant, LogRedactorTests.Region region, DateTime at, int count);

    [LoggerMessage(EventId = 9102, Level = LogLevel.Information, Message = "Signed in with {Password} (code {Code}).")]
    public static partial void PinUsed(this ILogger logger, string password, int code);

    [LoggerMessage(EventId = 9103, Level = LogLevel.Information, Message = "Called {Endpoint}, next {Next}.")]
    public static partial void EndpointCalled(this ILogger logger, Uri endpoint, Uri next);

    [LoggerMessage(EventId = 9104, Level = LogLevel.Information, Message = "Correlated {Detail}.")]
    public static partial void Correlated(this ILogger logger, string detail);

    [LoggerMessage(EventId = 9105, Level = LogLevel.Information, Message = "Prompt {Prompt}")]
    public static partial void PromptLogged(this ILogger logger, [UserContentData] string prompt);
}
