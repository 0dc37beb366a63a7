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
}
