using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Workflows.Hosting.Tests.Configuration;

/// <summary>Parallel groups, maps, routes, loops and sub-workflows written in config.yaml: run by name, validated on start.</summary>
public sealed class CompositeWorkflowConfigurationTests : IDisposable
{
    private const string EveryConstructYaml = """
        GenAiWorkflows:
          Workflows:
            polish:
              Steps:
                - Name: polished
                  Prompt: "Polish: {channel}"
            review:
              Steps:
                - Name: triage
                  Route:
                    Classify: "Classify the request: {request}"
                    Routes:
                      article:
                        Steps:
                          - Name: accepted
                            Prompt: "Accept {request}"
                    Otherwise:
                      Steps:
                        - Name: rejected
                          Prompt: "Reject {request}"
                - Name: summaries
                  Map:
                    Items: chunks
                    MaxConcurrency: 2
                    Steps:
                      - Name: summary
                        Prompt: "Summarize chunk {index}: {item}"
                - Name: opinions
                  MaxDegreeOfParallelism: 2
                  Parallel:
                    - Name: pros
                      Prompt: "Pros of {summaries}"
                    - Name: cons
                      Prompt: "Cons of {summaries}"
                - Name: refine
                  Loop:
                    MaxIterations: 3
                    Until:
                      Variable: critique
                      Contains: approved
                    Steps:
                      - Name: draft
                        Prompt: "Draft {iteration} weighing {pros} and {cons}; critique so far: [{critique}]"
                      - Name: critique
                        Prompt: "Critique draft {iteration}"
                - Name: channel
                  Route:
                    Variable: channel
                    Routes:
                      email:
                        Steps:
                          - Name: email_reply
                            Prompt: "Email: {draft}"
                      chat:
                        Steps:
                          - Name: chat_reply
                            Prompt: "Chat: {draft}"
                - Name: final
                  Workflow: polish
        """;

    private readonly string _root = Directory.CreateTempSubdirectory("wf-composite-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task EveryConstruct_InYaml_RunsByNameWithBranchPaths()
    {
        var mock = new MockChatClient()
            .WithPatternResponse("^Classify the request: (.+)$", "Article.")
            .WithPatternResponse("^Accept (.+)$", "accepted $1")
            .WithPatternResponse(@"^Summarize chunk (\d+): (.+)$", "S$1=$2")
            .WithPatternResponse("^Pros of ", "good")
            .WithPatternResponse("^Cons of ", "bad")
            .WithPatternResponse(@"^Draft (\d+) weighing good and bad; critique so far: \[(.*)\]$", "draft $1 after [$2]")
            .WithPatternResponse("^Critique draft 1$", "needs work")
            .WithPatternResponse("^Critique draft 2$", "Approved")
            .WithPatternResponse("^Email: (.+)$", "mail[$1]")
            .WithPatternResponse("^Polish: (.+)$", "polished[$1]");
        using var host = BuildHost(EveryConstructYaml, mock);
        await host.StartAsync();

        var result = await host.Services.GetRequiredService<IWorkflowEngine>().ExecuteAsync("review", new Dictionary<string, object?>
        {
            ["request"] = "otters",
            ["chunks"] = new[] { "a", "b", "c" },
            ["channel"] = "Email",
        });
        await host.StopAsync();

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        Assert.Equal("polished[mail[draft 2 after [needs work]]]", result.Output);
        Assert.Equal(
            ["triage", "triage/accepted", "summaries", "summaries[0]", "summaries[1]", "summaries[2]", "opinions", "opinions/pros", "opinions/cons",
             "refine", "refine[1]/draft", "refine[1]/critique", "refine[2]/draft", "refine[2]/critique", "channel", "channel/email_reply", "final", "final/polished"],
            result.Steps.Select(static s => s.Path));
        Assert.Equal(["S0=a", "S1=b", "S2=c"], Assert.IsAssignableFrom<IReadOnlyList<object?>>(result.GetStep("summaries")!.Output));
        Assert.Equal("draft 1 after []", result.Steps.Single(static s => s.Path == "refine[1]/draft").Output);
        Assert.Equal(["parallel", "map", "route", "loop", "workflow"], new[] { "opinions", "summaries", "channel", "refine", "final" }.Select(n => result.GetStep(n)!.StepType));
        Assert.Equal(1, result.GetStep("triage")!.LlmCalls);
        Assert.Equal(result.Metrics.LlmCalls, result.Steps.Sum(static s => s.LlmCalls));
        Assert.Equal(result.Metrics.TotalUsage.TotalTokens, result.Steps.Sum(static s => s.Usage.TotalTokens ?? 0));
        Assert.Contains("article", mock.Calls[0].Messages[0].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DocsExample_ConfigYamlOfWorkflowsMd_ValidatesAndRunsOnTheMock()
    {
        var markdown = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "workflows.md"));
        var start = markdown.IndexOf("```yaml\n", StringComparison.Ordinal) + "```yaml\n".Length;
        var yaml = markdown[start..markdown.IndexOf("```", start, StringComparison.Ordinal)];
        var mock = new MockChatClient()
            .WithPatternResponse("^Customer message: ", "refund")
            .WithPatternResponse("^Critique this reply", "APPROVED")
            .WithFallback("text");
        using var host = BuildHost(yaml, mock);
        await host.StartAsync();

        var result = await host.Services.GetRequiredService<IWorkflowEngine>().ExecuteAsync("support", new Dictionary<string, object?>
        {
            ["message"] = "I want my money back",
            ["chunks"] = new[] { "part one", "part two" },
            ["channel"] = "chat",
        });
        await host.StopAsync();

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        Assert.Contains(result.Steps, static s => s.Path == "triage/refund_reply");
        Assert.Contains(result.Steps, static s => s.Path == "reply/chat_reply");
        Assert.Contains(result.Steps, static s => s.Path == "final/polished");
        Assert.Single(result.Steps, static s => s.Path.StartsWith("refine[", StringComparison.Ordinal) && s.StepName == "critique");
    }

    [Theory]
    [InlineData("Items: ''", "GenAiWorkflows:Workflows:bad:Steps:0:Map:Items is missing")]
    [InlineData("Items: chunks\nMaxConcurrency: 0", "GenAiWorkflows:Workflows:bad:Steps:0:Map:MaxConcurrency is 0, but it must be from 1 to 1024")]
    [InlineData("Items: chunks", "GenAiWorkflows:Workflows:bad:Steps:0:Map:Steps has no steps")]
    public async Task Map_Invalid_HostStartFailsNamingTheKey(string map, string expected)
    {
        var error = await StartFailure($"""
            GenAiWorkflows:
              Workflows:
                bad:
                  Steps:
                    - Name: summaries
                      Map:
                        {map.Replace("\n", "\n            ", StringComparison.Ordinal)}
            """);

        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Loop_WithoutMaxIterationsOrUntil_HostStartFailsNamingEachKey()
    {
        var error = await StartFailure("""
            GenAiWorkflows:
              Workflows:
                unbounded:
                  Steps:
                    - Name: refine
                      Loop:
                        Until: { Variable: critique, Contains: ok }
                        Steps:
                          - Name: critique
                            Prompt: "Critique"
                unended:
                  Steps:
                    - Name: refine2
                      Loop:
                        MaxIterations: 2
                        Steps:
                          - Name: critique2
                            Prompt: "Critique"
                twoconditions:
                  Steps:
                    - Name: refine3
                      Loop:
                        MaxIterations: 2
                        Until: { Variable: critique3, Contains: ok, EqualTo: ok }
                        Steps:
                          - Name: critique3
                            Prompt: "Critique"
            """);

        Assert.Contains("GenAiWorkflows:Workflows:unbounded:Steps:0:Loop:MaxIterations is missing; a loop needs a maximum number of iterations", error, StringComparison.Ordinal);
        Assert.Contains("GenAiWorkflows:Workflows:unended:Steps:0:Loop:Until is missing", error, StringComparison.Ordinal);
        Assert.Contains("GenAiWorkflows:Workflows:twoconditions:Steps:0:Loop:Until must set exactly one of EqualTo or Contains", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Route_BothVariableAndClassify_OrNoBranches_HostStartFailsNamingTheKey()
    {
        var error = await StartFailure("""
            GenAiWorkflows:
              Workflows:
                both:
                  Steps:
                    - Name: triage
                      Route:
                        Variable: kind
                        Classify: "Classify {kind}"
                        Routes:
                          a:
                            Steps:
                              - Name: x
                                Prompt: "x"
                empty:
                  Steps:
                    - Name: triage2
                      Route:
                        Variable: kind
            """);

        Assert.Contains("GenAiWorkflows:Workflows:both:Steps:0:Route must set exactly one of Variable", error, StringComparison.Ordinal);
        Assert.Contains("GenAiWorkflows:Workflows:empty:Steps:0:Route:Routes has no branches", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Step_WithTwoKinds_OrModelSettingsOnAGroup_HostStartFailsNamingTheKey()
    {
        var error = await StartFailure("""
            GenAiWorkflows:
              Workflows:
                twokinds:
                  Steps:
                    - Name: both
                      Prompt: "hello"
                      Workflow: other
                settings:
                  Steps:
                    - Name: group
                      Temperature: 0.3
                      Parallel:
                        - Name: a
                          Prompt: "a"
            """);

        Assert.Contains("GenAiWorkflows:Workflows:twokinds:Steps:0 (step 'both') must set exactly one of Prompt", error, StringComparison.Ordinal);
        Assert.Contains("it sets Prompt and Workflow", error, StringComparison.Ordinal);
        Assert.Contains("GenAiWorkflows:Workflows:settings:Steps:0:Temperature is set on step 'group', which is not a model step (it sets Parallel)", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NestedStep_BadValue_HostStartFailsNamingTheNestedKey()
    {
        var error = await StartFailure("""
            GenAiWorkflows:
              Workflows:
                nested:
                  Steps:
                    - Name: group
                      Parallel:
                        - Name: inner
                          Map:
                            Items: chunks
                            Steps:
                              - Name: summary
                                Prompt: "Summarize {item}"
                                TopP: 3
            """);

        Assert.Contains("GenAiWorkflows:Workflows:nested:Steps:0:Parallel:0:Map:Steps:0:TopP is 3, but it must be from 0 to 1", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NestedStep_UnknownKey_HostStartFailsWithNearestValidKey()
    {
        var error = await StartFailure("""
            GenAiWorkflows:
              Workflows:
                typo:
                  Steps:
                    - Name: summaries
                      Map:
                        Itemz: chunks
                        Steps:
                          - Name: summary
                            Prompt: "Summarize {item}"
            """);

        Assert.Contains("GenAiWorkflows:Workflows:typo:Steps:0:Map:Itemz", error, StringComparison.Ordinal);
        Assert.Contains("Items", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WorkflowReference_UnknownOrCyclic_HostStartFailsNamingTheReference()
    {
        var error = await StartFailure("""
            GenAiWorkflows:
              Workflows:
                first:
                  Steps:
                    - Name: call_second
                      Workflow: second
                second:
                  Steps:
                    - Name: call_first
                      Workflow: first
                lonely:
                  Steps:
                    - Name: call_missing
                      Workflow: missing
            """);

        Assert.Contains("GenAiWorkflows:Workflows:first:Steps:0:Workflow is 'second'", error, StringComparison.Ordinal);
        Assert.Contains("cycle of workflows: first -> second -> first", error, StringComparison.Ordinal);
        Assert.Contains("GenAiWorkflows:Workflows:lonely:Steps:0:Workflow is 'missing', but GenAiWorkflows:Workflows has no workflow of that name", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DataFlow_ReadingAPerItemOutputAfterTheMap_HostStartFailsNamingWorkflowAndSteps()
    {
        var error = await StartFailure("""
            GenAiWorkflows:
              Workflows:
                flow:
                  Steps:
                    - Name: summaries
                      Map:
                        Items: chunks
                        Steps:
                          - Name: summary
                            Prompt: "Summarize {item}"
                    - Name: verdict
                      Prompt: "Judge {summary}"
            """);

        Assert.Contains("GenAiWorkflows:Workflows:flow: Step 'verdict' reads {summary}, but the step 'summaries[]/summary' does not always complete before it.", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EngineMaxDegreeOfParallelism_OutOfRange_HostStartFailsWithRange()
    {
        var error = await StartFailure("""
            GenAiWorkflows:
              MaxDegreeOfParallelism: 0
            """);

        Assert.Contains("GenAiWorkflows:MaxDegreeOfParallelism", error, StringComparison.Ordinal);
        Assert.Contains("a whole number from 1 to 1024", error, StringComparison.Ordinal);
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Workflows.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Workflows.sln not found above the test directory.");
    }

    private async Task<string> StartFailure(string yaml)
    {
        using var host = BuildHost(yaml, new MockChatClient());
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        return error.Message;
    }

    private IHost BuildHost(string yaml, MockChatClient mock)
    {
        File.WriteAllText(Path.Combine(_root, "config.yaml"), yaml);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], ContentRootPath = _root, DisableDefaults = true });
        builder.Configuration.SetBasePath(_root);
        builder.Configuration.AddGenAiWorkflowsConfiguration();
        builder.Services.AddGenAiWorkflows(wf => wf.AddProvider(MockChatClient.DefaultName, mock));
        return builder.Build();
    }
}
