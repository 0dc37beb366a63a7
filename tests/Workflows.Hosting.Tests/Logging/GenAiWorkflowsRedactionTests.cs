using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Workflows.Hosting.Tests.Logging;

[Collection(ConsoleCollection.Name)]
public sealed partial class GenAiWorkflowsRedactionTests
{
    private const string ConfiguredKey = "cfg-7f3a9b2c1d8e4f60a1b2";
    private const string EnvironmentKey = "env-44d1c0ffee99aa77bb55";
    private const string OpenAiKey = "sk-proj-AbCdEf0123456789xyzXYZ0123";
    private const string AzureKey = "0123456789abcdef0123456789abcdef";
    private const string BearerToken = "eyJhbGciOiJIUzI1NiJ9.payload.sig";
    private const string HeaderKey = "hdr-value-5566778899";
    private const string NamedKey = "plain-named-secret-31415";

    private static readonly Dictionary<string, string?> SecretsConfiguration = new()
    {
        ["GenAiWorkflows:Providers:openai:ApiKey"] = ConfiguredKey,
        ["OPENAI_API_KEY"] = EnvironmentKey,
        ["AZURE_OPENAI_API_KEY"] = AzureKey,
    };

    private static readonly string[] AllSecrets = [ConfiguredKey, EnvironmentKey, OpenAiKey, AzureKey, BearerToken, HeaderKey, NamedKey];

    [Fact]
    public async Task AddGenAiWorkflowsRedaction_Run_LogsEachStateTransitionAsOneJsonLine()
    {
        WorkflowResult? result = null;
        var output = await ConsoleCapture.RunAsync(
            new Dictionary<string, string?>(),
            async services =>
            {
                var engine = services.GetRequiredService<IWorkflowEngine>();
                result = await engine.ExecuteAsync(
                    Workflow.Create("json-run").AddLlmStep("ask", "Hello").Build(),
                    options: new WorkflowRunOptions { CorrelationId = "corr-json-1" });
            });

        Assert.NotNull(result);
        var transitions = output.Events(1001).ToList();
        Assert.Equal(2, transitions.Count);
        Assert.Equal(["Pending", "Running"], transitions.Select(t => t.GetProperty("State").GetProperty("FromStatus").GetString()));
        Assert.Equal(["Running", "Completed"], transitions.Select(t => t.GetProperty("State").GetProperty("ToStatus").GetString()));
        foreach (var line in transitions)
        {
            Assert.Equal(1001, line.GetProperty("EventId").GetInt32());
            Assert.Equal("Information", line.GetProperty("LogLevel").GetString());
            Assert.Equal("Workflows.Engine", line.GetProperty("Category").GetString());
            var state = line.GetProperty("State");
            Assert.Equal("json-run", state.GetProperty("WorkflowName").GetString());
            Assert.Equal(result.WorkflowId, state.GetProperty("WorkflowId").GetString());
            Assert.Equal("corr-json-1", state.GetProperty("CorrelationId").GetString());
            Assert.Equal(JsonValueKind.Number, state.GetProperty("DurationMs").ValueKind);
            Assert.Contains("corr-json-1", line.GetProperty("Message").GetString(), StringComparison.Ordinal);
            var scope = Assert.Single(line.GetProperty("Scopes").EnumerateArray().ToList());
            Assert.Equal("corr-json-1", scope.GetProperty("CorrelationId").GetString());
            Assert.Equal(result.WorkflowId, scope.GetProperty("WorkflowId").GetString());
        }

        Assert.Equal(0, transitions[0].GetProperty("State").GetProperty("DurationMs").GetDouble());
    }

    [Fact]
    public async Task AddGenAiWorkflowsRedaction_ModelCall_LogsModelSettingsLatencyAndFinishReason()
    {
        var output = await ConsoleCapture.RunAsync(
            new Dictionary<string, string?>(),
            services => services.GetRequiredService<IWorkflowEngine>().ExecuteAsync(
                new Workflow("json-call", [new LlmStep("ask", "Hello") { Model = "gpt-4o-mini", Temperature = 0.3, MaxTokens = 77 }])));

        var call = Assert.Single(output.Events(1007));
        Assert.Equal(1007, call.GetProperty("EventId").GetInt32());
        var state = call.GetProperty("State");
        Assert.Equal("ask", state.GetProperty("StepName").GetString());
        Assert.Equal("mock", state.GetProperty("ProviderName").GetString());
        Assert.Equal("gpt-4o-mini", state.GetProperty("Model").GetString());
        Assert.Equal(0.3, state.GetProperty("Temperature").GetDouble());
        Assert.Equal(77, state.GetProperty("MaxTokens").GetInt32());
        Assert.Equal(JsonValueKind.Number, state.GetProperty("LatencyMs").ValueKind);
        Assert.Equal("stop", state.GetProperty("FinishReason").GetString());
        Assert.True(state.GetProperty("InputTokens").GetInt64() > 0);
    }

    [Fact]
    public async Task AddGenAiWorkflowsRedaction_LogLevelDebugInConfiguration_WritesDebugEvents()
    {
        var output = await ConsoleCapture.RunAsync(
            new Dictionary<string, string?> { ["GenAiWorkflows:LogLevel"] = "Debug" },
            services => services.GetRequiredService<IWorkflowEngine>().ExecuteAsync(Workflow.Create("json-debug").AddLlmStep("ask", "Hi").Build()));

        var started = Assert.Single(output.Events(1003));
        Assert.Equal("Debug", started.GetProperty("LogLevel").GetString());
        Assert.Equal("ask", started.GetProperty("State").GetProperty("StepName").GetString());
        Assert.Equal("ask", started.GetProperty("State").GetProperty("StepPath").GetString());
    }

    [Fact]
    public async Task AddGenAiWorkflowsRedaction_LogLevelWarningInConfiguration_DropsInformationKeepsErrors()
    {
        var output = await ConsoleCapture.RunAsync(
            new Dictionary<string, string?> { ["GenAiWorkflows:LogLevel"] = "Warning" },
            services => services.GetRequiredService<IWorkflowEngine>().ExecuteAsync(
                Workflow.Create("json-warning").AddTransformStep("boom", _ => throw new InvalidOperationException("boom")).Build()));

        Assert.Empty(output.Events(1001));
        Assert.Single(output.Events(1005));
        Assert.All(output.Lines, line => Assert.NotEqual("Information", line.GetProperty("LogLevel").GetString()));
    }

    [Fact]
    public async Task AddGenAiWorkflowsRedaction_SecretsInMessageStateScopeAndException_AreRedacted()
    {
        var output = await ConsoleCapture.RunAsync(
            SecretsConfiguration,
            services =>
            {
                var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("App.Upstream");
                using (logger.BeginScope(new Dictionary<string, object?> { ["Upstream"] = $"Bearer {BearerToken}", ["Note"] = "scope keeps me" }))
                {
                    logger.CallingUpstream($"Authorization: Bearer {BearerToken}; api-key: {HeaderKey}", NamedKey, $"azure key {AzureKey}, {OpenAiKey} and {EnvironmentKey}");
                    logger.UpstreamFailed(Thrown(), "upstream-7");
                }

                return Task.CompletedTask;
            });

        Assert.NotEmpty(output.Records);
        foreach (var secret in AllSecrets)
        {
            Assert.DoesNotContain(secret, output.Text, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, output.RecordsText, StringComparison.Ordinal);
        }

        var calling = Assert.Single(output.Events(9001));
        Assert.Equal(
            "Calling upstream with Authorization: Bearer [REDACTED]; api-key: [REDACTED] using [REDACTED] (detail azure key [REDACTED], [REDACTED] and [REDACTED]).",
            calling.GetProperty("Message").GetString());
        var state = calling.GetProperty("State");
        Assert.Equal("[REDACTED]", state.GetProperty("ApiKey").GetString());
        Assert.Equal("azure key [REDACTED], [REDACTED] and [REDACTED]", state.GetProperty("Detail").GetString());
        Assert.Equal("Calling upstream with {Headers} using {ApiKey} (detail {Detail}).", state.GetProperty("{OriginalFormat}").GetString());
        var scope = Assert.Single(calling.GetProperty("Scopes").EnumerateArray().ToList());
        Assert.Equal("Bearer [REDACTED]", scope.GetProperty("Upstream").GetString());
        Assert.Equal("scope keeps me", scope.GetProperty("Note").GetString());

        var failed = Assert.Single(output.Events(9002));
        var exception = failed.GetProperty("Exception").GetString()!;
        Assert.Contains("System.InvalidOperationException: Upstream rejected key [REDACTED] for tenant acme", exception, StringComparison.Ordinal);
        Assert.Contains("System.Net.Http.HttpRequestException: 401 with x-api-key=[REDACTED] and [REDACTED]", exception, StringComparison.Ordinal);
        Assert.Contains(nameof(Thrown), exception, StringComparison.Ordinal);
        Assert.Equal("upstream-7", failed.GetProperty("State").GetProperty("Target").GetString());
    }

    [Fact]
    public async Task AddGenAiWorkflowsRedaction_TraceIdCorrelationAndFailingProvider_KeepsIdsRedactsKeys()
    {
        using var root = new Activity("json-root").SetIdFormat(ActivityIdFormat.W3C).Start();
        var correlationId = root.TraceId.ToHexString();
        var output = await ConsoleCapture.RunAsync(
            SecretsConfiguration,
            services => services.GetRequiredService<IWorkflowEngine>().ExecuteAsync(Workflow.Create("json-fail").AddLlmStep("ask", "Hi").Build()),
            workflows => workflows.AddMockProvider(mock => mock.FailOnCall(
                1, new ProviderException($"401 Unauthorized: incorrect API key provided: {ConfiguredKey} (also tried {OpenAiKey})", "mock"))));

        Assert.NotEmpty(output.Records);
        foreach (var secret in AllSecrets)
        {
            Assert.DoesNotContain(secret, output.Text, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, output.RecordsText, StringComparison.Ordinal);
        }

        var transitions = output.Events(1001).ToList();
        Assert.Equal(2, transitions.Count);
        Assert.All(transitions, t => Assert.Equal(correlationId, t.GetProperty("State").GetProperty("CorrelationId").GetString()));
        Assert.All(transitions, t => Assert.Contains(correlationId, t.GetProperty("Message").GetString(), StringComparison.Ordinal));
        var callFailed = Assert.Single(output.Events(1008));
        Assert.Contains("incorrect API key provided: [REDACTED] (also tried [REDACTED])", callFailed.GetProperty("Exception").GetString(), StringComparison.Ordinal);
        var runEnded = Assert.Single(output.Events(1002));
        Assert.Contains("[REDACTED]", runEnded.GetProperty("State").GetProperty("ErrorMessage").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddGenAiWorkflowsRedaction_PlainLoggerCalls_SecondSinkNeverSeesConfiguredOrKeyShapedSecrets()
    {
        var output = await ConsoleCapture.RunAsync(
            SecretsConfiguration,
            services =>
            {
                var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("App.Plain");
#pragma warning disable CA1848, CA2254 // the plain extension methods are what many applications call
                logger.LogWarning("Retrying with {Key} after {Error}", ConfiguredKey, $"bad key {OpenAiKey}");
                logger.LogError(Thrown(), $"Upstream said: incorrect key {OpenAiKey}");
#pragma warning restore CA1848, CA2254
                return Task.CompletedTask;
            });

        Assert.Equal(2, output.Records.Count);
        foreach (var secret in AllSecrets)
        {
            Assert.DoesNotContain(secret, output.Text, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, output.RecordsText, StringComparison.Ordinal);
        }

        var retry = output.Records[0];
        Assert.Equal("Retrying with [REDACTED] after bad key [REDACTED]", retry.Message);
        Assert.Equal("Retrying with {Key} after {Error}", retry.GetStructuredStateValue("{OriginalFormat}"));
        var error = output.Records[1];
        Assert.StartsWith("System.InvalidOperationException: Upstream rejected key [REDACTED]", error.Exception!.ToString(), StringComparison.Ordinal);
        Assert.Equal("Upstream rejected key [REDACTED] for tenant acme", error.Exception.Message);
    }

    [Fact]
    public async Task AddGenAiWorkflowsRedaction_HexIdsAndExceptionsWithoutSecrets_PassUnchanged()
    {
        const string hexId = "4bf92f3577b34da6a3ce929d0e0e4736";
        var plain = new InvalidOperationException("nothing secret here");
        var output = await ConsoleCapture.RunAsync(
            new Dictionary<string, string?>(),
            async services =>
            {
                var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("App.Ids");
                logger.UpstreamFailed(plain, $"trace {hexId}");
                await services.GetRequiredService<IWorkflowEngine>().ExecuteAsync(
                    Workflow.Create("hex-run").AddLlmStep("ask", "Hello").Build(), options: new WorkflowRunOptions { CorrelationId = hexId });
            });

        Assert.Same(plain, output.Records[0].Exception);
        Assert.Equal($"trace {hexId}", output.Records[0].GetStructuredStateValue("Target"));
        Assert.All(output.Events(1001), t => Assert.Equal(hexId, t.GetProperty("State").GetProperty("CorrelationId").GetString()));
        Assert.DoesNotContain("[REDACTED]", output.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddGenAiWorkflowsRedaction_DataClassifiedParameters_AreRedactedByTheirClassificationInEverySink()
    {
        const string plainSecret = "hunter2-is-not-a-key-shape";
        var output = await ConsoleCapture.RunAsync(
            SecretsConfiguration,
            services =>
            {
                var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Workflows.Engine");
                logger.ClassifiedPrompt($"Summarize the otter memo; my key is {ConfiguredKey} or {OpenAiKey}", plainSecret, "step-1");
                return Task.CompletedTask;
            });

        var record = Assert.Single(output.Records);
        Assert.Equal("Prompt of step-1: Summarize the otter memo; my key is [REDACTED] or [REDACTED] (credential [REDACTED])", record.Message);
        Assert.Equal("Summarize the otter memo; my key is [REDACTED] or [REDACTED]", record.GetStructuredStateValue("Prompt"));
        Assert.Equal("[REDACTED]", record.GetStructuredStateValue("Credential"));
        Assert.Equal("step-1", record.GetStructuredStateValue("StepName"));
        var line = Assert.Single(output.Events(9003));
        Assert.Equal("[REDACTED]", line.GetProperty("State").GetProperty("Credential").GetString());
        Assert.DoesNotContain("TagJoiner", output.Text, StringComparison.Ordinal);
        foreach (var secret in AllSecrets.Append(plainSecret))
        {
            Assert.DoesNotContain(secret, output.Text, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, output.RecordsText, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AddGenAiWorkflowsRedaction_CorePromptAndCompletionEvents_AreClassifiedAndRedactedInEverySink()
    {
        var configuration = new Dictionary<string, string?>(SecretsConfiguration) { ["GenAiWorkflows:LogLevel"] = "Trace" };
        var output = await ConsoleCapture.RunAsync(
            configuration,
            services => services.GetRequiredService<IWorkflowEngine>().ExecuteAsync(
                Workflow.Create("classified").AddLlmStep("ask", $"Use the key {ConfiguredKey} to summarize").Build()));

        var prompt = Assert.Single(output.Records, static r => r.Id.Id == 1009);
        Assert.Equal("Use the key [REDACTED] to summarize", prompt.GetStructuredStateValue("Prompt"));
        var completion = Assert.Single(output.Records, static r => r.Id.Id == 1010);
        Assert.Equal("Mock response to: Use the key [REDACTED] to summarize", completion.GetStructuredStateValue("Completion"));
        Assert.DoesNotContain(ConfiguredKey, output.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(ConfiguredKey, output.RecordsText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddGenAiWorkflowsRedaction_UserContentRedactorReplaced_CorePromptIsErased()
    {
        var configuration = new Dictionary<string, string?> { ["GenAiWorkflows:LogLevel"] = "Trace" };
        var output = await ConsoleCapture.RunAsync(
            configuration,
            services => services.GetRequiredService<IWorkflowEngine>().ExecuteAsync(
                Workflow.Create("erased").AddLlmStep("ask", "my customer's address is 12 Otter Lane").Build()),
            wf => wf.Services.AddRedaction(r => r.SetRedactor<Microsoft.Extensions.Compliance.Redaction.ErasingRedactor>(
                new Microsoft.Extensions.Compliance.Classification.DataClassificationSet(
                    new Microsoft.Extensions.Compliance.Classification.DataClassification("GenAiWorkflows", "UserContent")))));

        var prompt = Assert.Single(output.Records, static r => r.Id.Id == 1009);
        Assert.Equal(string.Empty, prompt.GetStructuredStateValue("Prompt"));
        Assert.Equal("ask", prompt.GetStructuredStateValue("StepName"));
        Assert.DoesNotContain("Otter Lane", output.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Otter Lane", output.RecordsText, StringComparison.Ordinal);
    }

    private static InvalidOperationException Thrown()
    {
        try
        {
            try
            {
                throw new HttpRequestException($"401 with x-api-key={HeaderKey} and {OpenAiKey}");
            }
            catch (HttpRequestException inner)
            {
                throw new InvalidOperationException($"Upstream rejected key {ConfiguredKey} for tenant acme", inner);
            }
        }
        catch (InvalidOperationException ex)
        {
            return ex;
        }
    }
}

internal static partial class RedactionTestLog
{
    [LoggerMessage(EventId = 9001, EventName = "CallingUpstream", Level = LogLevel.Information,
        Message = "Calling upstream with {Headers} using {ApiKey} (detail {Detail}).")]
    public static partial void CallingUpstream(this ILogger logger, string headers, string apiKey, string detail);

    [LoggerMessage(EventId = 9002, EventName = "UpstreamFailed", Level = LogLevel.Error, Message = "Upstream {Target} failed.")]
    public static partial void UpstreamFailed(this ILogger logger, Exception exception, string target);

    // Classified the way Core's events are, with Core's own attributes (GenAiWorkflows taxonomy).
    [LoggerMessage(EventId = 9003, EventName = "ClassifiedPrompt", Level = LogLevel.Information,
        Message = "Prompt of {StepName}: {Prompt} (credential {Credential})")]
    public static partial void ClassifiedPrompt(
        this ILogger logger, [UserContentData] string prompt, [SecretData] string credential, string stepName);
}

