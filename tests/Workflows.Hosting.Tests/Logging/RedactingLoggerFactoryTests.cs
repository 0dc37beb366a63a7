using Microsoft.Extensions.Logging;

namespace Workflows.Hosting.Tests.Logging;

/// <summary>Scopes, plain states, disabled levels and exceptions as they reach a sink through the redacting logger factory.</summary>
public sealed partial class RedactingLoggerFactoryTests
{
    private const string PlainKey = "plain-named-secret-31415";

    private static readonly Func<ILogger, string, string, IDisposable?> TenantScope =
        LoggerMessage.DefineScope<string, string>("Tenant {Tenant} with {ApiKey}");

    [Fact]
    public void BeginScope_Dictionary_SinkGetsItsRedactedValuesRenderedAsKeyColonValue()
    {
        using var logs = new RedactedLogs();

        using (logs.Logger.BeginScope(new Dictionary<string, object?> { ["Upstream"] = "Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig", ["Note"] = "kept" }))
        {
            logs.Logger.Correlated("inside");
        }

        var scope = Assert.Single(logs.Single.Scopes);
        Assert.Equal("Upstream:Bearer [REDACTED], Note:kept", scope!.ToString());
        var values = Assert.IsAssignableFrom<IReadOnlyList<KeyValuePair<string, object?>>>(scope);
        Assert.Equal(["Upstream", "Note"], values.Select(static kv => kv.Key));
        Assert.Equal("Bearer [REDACTED]", values[0].Value);
    }

    [Fact]
    public void BeginScope_MessageTemplate_SinkGetsTheRedactedMessageAndValues()
    {
        using var logs = new RedactedLogs();

        using (TenantScope(logs.Logger, $"acme-{PlainKey}", PlainKey))
        {
            logs.Logger.Correlated("inside");
        }

        var scope = Assert.Single(logs.Single.Scopes);
        Assert.Equal("Tenant acme-[REDACTED] with [REDACTED]", scope!.ToString());
        var values = Assert.IsAssignableFrom<IReadOnlyList<KeyValuePair<string, object?>>>(scope);
        Assert.Equal("acme-[REDACTED]", Assert.Single(values, static kv => kv.Key == "Tenant").Value);
        Assert.Equal("[REDACTED]", Assert.Single(values, static kv => kv.Key == "ApiKey").Value);
    }

    [Fact]
    public void BeginScope_String_SinkGetsTheRedactedString()
    {
        using var logs = new RedactedLogs();

        using (logs.Logger.BeginScope("calling with api-key=hdr-value-5566"))
        {
            logs.Logger.Correlated("inside");
        }

        Assert.Equal("calling with api-key=[REDACTED]", Assert.Single(logs.Single.Scopes));
    }

    [Fact]
    public void BeginScope_OtherObject_SinkGetsTheSameObjectOrItsRedactedText()
    {
        using var logs = new RedactedLogs();
        var plain = new Uri("https://example.test/orders");
        var withKey = new Uri("https://example.test/orders?api-key=query-key-8812");

        using (logs.Logger.BeginScope(plain))
        using (logs.Logger.BeginScope(withKey))
        {
            logs.Logger.Correlated("inside");
        }

        var scopes = logs.Single.Scopes;
        Assert.Equal(2, scopes.Count);
        Assert.Same(plain, scopes[0]);
        Assert.Equal("https://example.test/orders?api-key=[REDACTED]", scopes[1]);
    }

    [Fact]
    public void Log_PlainTemplateWithASecretNamedValue_MasksThatValueWhereverElseItAppears()
    {
        using var logs = new RedactedLogs();

#pragma warning disable CA1848, CA2254 // the plain extension methods are what many applications call
        logs.Logger.LogWarning("Using {ApiKey} for {Target}", PlainKey, $"tenant {PlainKey}");
#pragma warning restore CA1848, CA2254

        var record = logs.Single;
        Assert.Equal("Using [REDACTED] for tenant [REDACTED]", record.Message);
        Assert.Equal("tenant [REDACTED]", logs.Value("Target"));
        Assert.Equal("Using {ApiKey} for {Target}", logs.Value("{OriginalFormat}"));
    }

    [Fact]
    public void Log_StateThatIsNoList_SinkGetsTheRedactedMessageAndNoValues()
    {
        using var logs = new RedactedLogs();
        var state = new Uri("https://example.test/orders");

        logs.Logger.Log(LogLevel.Warning, new EventId(9160), state, null, static (s, _) => $"{s} with Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig");

        var record = logs.Single;
        Assert.Equal("https://example.test/orders with Bearer [REDACTED]", record.Message);
        Assert.Equal(LogLevel.Warning, record.Level);
        Assert.Empty(logs.Values);
    }

    [Fact]
    public void Log_DisabledLevel_NeitherFormatsNorReachesTheSink()
    {
        using var logs = new RedactedLogs();
        var formatted = 0;

        logs.Logger.Log(LogLevel.Debug, new EventId(9161), "state", null, (s, _) =>
        {
            formatted++;
            return s;
        });

        Assert.False(logs.Logger.IsEnabled(LogLevel.Debug));
        Assert.True(logs.Logger.IsEnabled(LogLevel.Information));
        Assert.Equal(0, formatted);
        Assert.Empty(logs.Records);
    }

    [Fact]
    public void Log_ClassifiedValueIsNull_SinkGetsNull()
    {
        using var logs = new RedactedLogs();

        logs.Logger.PromptWithStep(null, "step-1");

        Assert.Null(logs.Value("Prompt"));
        Assert.Equal("step-1", logs.Value("StepName"));
        Assert.Equal("Prompt of step-1: (null)", logs.Single.Message);
    }

    [Fact]
    public void Log_ExceptionWithASecret_SinkGetsItsRedactedTextWithTheOriginalsCodeSourceAndStack()
    {
        using var logs = new RedactedLogs();
        var thrown = Throw($"rejected {PlainKey}", "Orders.Client");

        logs.Logger.Failed(thrown, PlainKey);

        var exception = logs.Single.Exception!;
        Assert.NotSame(thrown, exception);
        Assert.Equal("rejected [REDACTED]", exception.Message);
        Assert.Equal(thrown.HResult, exception.HResult);
        Assert.Equal(thrown.Source, exception.Source);
        Assert.Contains(nameof(Throw), exception.StackTrace, StringComparison.Ordinal);
        Assert.StartsWith("System.InvalidOperationException: rejected [REDACTED]", exception.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(PlainKey, exception.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Log_ExceptionWithASecretInItsSource_SinkGetsTheSourceRedacted()
    {
        using var logs = new RedactedLogs();
        var thrown = Throw($"rejected {PlainKey}", $"client {PlainKey}");

        logs.Logger.Failed(thrown, PlainKey);

        Assert.Equal("client [REDACTED]", logs.Single.Exception!.Source);
    }

    [Fact]
    public void Log_ExceptionNeverThrownWithASecret_SinkGetsNoStackTrace()
    {
        using var logs = new RedactedLogs();

        logs.Logger.Failed(new InvalidOperationException($"rejected {PlainKey}"), PlainKey);

        var exception = logs.Single.Exception!;
        Assert.Equal("rejected [REDACTED]", exception.Message);
        Assert.Null(exception.StackTrace);
    }

    private static InvalidOperationException Throw(string message, string source)
    {
        try
        {
            throw new InvalidOperationException(message) { HResult = 0x0BAD, Source = source };
        }
        catch (InvalidOperationException ex)
        {
            return ex;
        }
    }
}

internal static partial class ScopeRedactionLog
{
    [LoggerMessage(EventId = 9111, Level = LogLevel.Information, Message = "Prompt of {StepName}: {Prompt}")]
    public static partial void PromptWithStep(this ILogger logger, [UserContentData] string? prompt, string stepName);

    [LoggerMessage(EventId = 9112, Level = LogLevel.Error, Message = "Failed with {ApiKey}.")]
    public static partial void Failed(this ILogger logger, Exception exception, string apiKey);
}
