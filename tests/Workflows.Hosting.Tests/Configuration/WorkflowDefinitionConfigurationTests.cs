using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Workflows.Hosting.Tests.Configuration;

public sealed class WorkflowDefinitionConfigurationTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("wf-defs-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private IHost BuildHost(string yaml, Dictionary<string, string?>? overrides = null)
    {
        File.WriteAllText(Path.Combine(_root, "config.yaml"), yaml);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], ContentRootPath = _root, DisableDefaults = true });
        builder.Configuration.SetBasePath(_root);
        builder.Configuration.AddGenAiWorkflowsConfiguration();
        builder.Configuration.AddInMemoryCollection(overrides ?? []);
        builder.Services.AddGenAiWorkflows(wf => wf
            .AddMockProvider(m => m
                .WithPatternResponse("^Outline an article about (.+)$", "1. Why $1 matter 2. Where $1 live")
                .WithPatternResponse("^Write the intro for: (.+)$", "Intro based on [$1]"))
            .AddStep<WordCountStep>());
        return builder.Build();
    }

    private const string ArticleYaml = """
        GenAiWorkflows:
          Workflows:
            article:
              Budget:
                MaxTokens: 5000
              Steps:
                - Name: outline
                  Prompt: "Outline an article about {topic}"
                  Model: gpt-4o-mini
                  Temperature: 0.2
                - Name: intro
                  Prompt: "Write the intro for: {outline}"
                  MaxTokens: 300
                - Name: words
                  Step: WordCountStep
                  IsCritical: false
        """;

    [Fact]
    public async Task Workflows_DefinedInYaml_RunByNameWithDataFlowAndRegisteredStepType()
    {
        using var host = BuildHost(ArticleYaml);
        await host.StartAsync();

        var result = await host.Services.GetRequiredService<IWorkflowEngine>()
            .ExecuteAsync("article", new Dictionary<string, object?> { ["topic"] = "otters" });
        await host.StopAsync();

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        Assert.Equal("Intro based on [1. Why otters matter 2. Where otters live]", result.GetStep("intro")?.Output);
        Assert.Equal(11, result.Output);
        Assert.Equal("WordCountStep", result.GetStep("words")?.StepType);
    }

    [Fact]
    public async Task Workflows_StepWithoutPromptOrType_HostStartFailsNamingTheKey()
    {
        using var host = BuildHost("""
            GenAiWorkflows:
              Workflows:
                broken:
                  Steps:
                    - Name: first
                      Prompt: "hello"
                    - Name: second
            """);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("GenAiWorkflows:Workflows:broken:Steps:1 (step 'second') must set exactly one of Prompt", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Workflows_UnregisteredStepType_HostStartFailsWithRegistrationHint()
    {
        using var host = BuildHost("""
            GenAiWorkflows:
              Workflows:
                broken:
                  Steps:
                    - Name: lookup
                      Step: WebLookupStep
            """);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("GenAiWorkflows:Workflows:broken:Steps:0:Step is 'WebLookupStep'", error.Message, StringComparison.Ordinal);
        Assert.Contains("AddStep<WebLookupStep>()", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Workflows_UnparsableStepValue_HostStartFailsNamingKeyAndVariable()
    {
        using var host = BuildHost(ArticleYaml, new() { ["GenAiWorkflows:Workflows:article:Steps:0:Temperature"] = "warm" });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("GenAiWorkflows:Workflows:article:Steps:0:Temperature is 'warm'", error.Message, StringComparison.Ordinal);
        Assert.Contains("GenAiWorkflows__Workflows__article__Steps__0__Temperature", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Workflows_MalformedTemplate_HostStartFailsWithPosition()
    {
        using var host = BuildHost("""
            GenAiWorkflows:
              Workflows:
                broken:
                  Steps:
                    - Name: first
                      Prompt: "Summarize {draft"
            """);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("GenAiWorkflows:Workflows:broken:Steps:0 (step 'first') has a malformed template", error.Message, StringComparison.Ordinal);
        Assert.Contains("position 10", error.Message, StringComparison.Ordinal);
    }

    public sealed class WordCountStep() : WorkflowStep("words")
    {
        public override ValueTask<object?> ExecuteAsync(StepContext context, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult<object?>(context.Get<string>("intro")!.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task Workflows_StepWithOutputSchemaAndTopP_SendsSchemaAndChecksReply()
    {
        const string yaml = """
            GenAiWorkflows:
              Workflows:
                triage:
                  Steps:
                    - Name: label
                      Prompt: "Classify: {text}"
                      TopP: 0.5
                      OutputSchema: |
                        {"type": "object", "required": ["label"], "properties": {"label": {"type": "string", "enum": ["refund", "other"]}}}
            """;
        using var host = BuildHost(yaml);
        await host.StartAsync();
        var mock = (MockChatClient)host.Services.GetRequiredService<ProviderRegistry>().Get("mock");
        mock.WithResponse("Classify: money back", """{"label": "refund"}""").WithResponse("Classify: hello", """{"label": "greeting"}""");
        var engine = host.Services.GetRequiredService<IWorkflowEngine>();

        var good = await engine.ExecuteAsync("triage", new Dictionary<string, object?> { ["text"] = "money back" });
        var bad = await engine.ExecuteAsync("triage", new Dictionary<string, object?> { ["text"] = "hello" });

        Assert.Equal("refund", Assert.IsType<System.Text.Json.JsonElement>(good.Output).GetProperty("label").GetString());
        Assert.Equal(ErrorKind.InvalidOutput, bad.Error!.Kind);
        var sent = mock.Calls[0].Options!;
        Assert.Equal(0.5f, sent.TopP);
        Assert.IsType<Microsoft.Extensions.AI.ChatResponseFormatJson>(sent.ResponseFormat);
        await host.StopAsync();
    }

    [Theory]
    [InlineData("OutputSchema: \"[1, 2]\"", "must be a JSON object")]
    [InlineData("OutputSchema: \"{not json\"", "is not valid JSON")]
    [InlineData("TopP: 1.5", "TopP is 1.5, but it must be from 0 to 1")]
    public async Task Workflows_BadModelStepSetting_FailsHostStartNamingTheKey(string setting, string expected)
    {
        var yaml = $"""
            GenAiWorkflows:
              Workflows:
                broken:
                  Steps:
                    - Name: label
                      Prompt: "x"
                      {setting}
            """;
        using var host = BuildHost(yaml);

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());

        Assert.Contains("Workflows:broken:Steps:0", ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProviderDefaultModel_FromConfiguration_UsedByStepsWithoutModel()
    {
        var client = new RecordingModelClient();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], ContentRootPath = _root, DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection([
            new("GenAiWorkflows:DefaultProvider", "local"),
            new("GenAiWorkflows:Providers:local:DefaultModel", "llama3.2"),
        ]);
        builder.Services.AddGenAiWorkflows(wf => wf
            .AddProvider("local", client)
            .AddWorkflow("w", w => w.AddLlmStep("a", "hi")));
        using var host = builder.Build();
        await host.StartAsync();

        await host.Services.GetRequiredService<IWorkflowEngine>().ExecuteAsync("w");

        Assert.Equal("llama3.2", Assert.Single(client.Models));
        Assert.Same(client, host.Services.GetRequiredKeyedService<Microsoft.Extensions.AI.IChatClient>("local"));
        await host.StopAsync();
    }

    private sealed class RecordingModelClient : TestChatClient
    {
        public List<string?> Models { get; } = [];

        protected override Task<Microsoft.Extensions.AI.ChatResponse> RespondAsync(
            IReadOnlyList<Microsoft.Extensions.AI.ChatMessage> messages, Microsoft.Extensions.AI.ChatOptions? options, CancellationToken cancellationToken)
        {
            Models.Add(options?.ModelId);
            return Task.FromResult(Reply("ok", options?.ModelId));
        }
    }
}
