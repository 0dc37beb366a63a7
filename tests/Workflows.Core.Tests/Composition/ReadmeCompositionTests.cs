using Workflows.Tests.TestSupport;

namespace Workflows.Tests.Composition;

/// <summary>The composition example of the README builds, validates and runs as described.</summary>
public sealed class ReadmeCompositionTests
{
    private static Workflow Research() => Workflow.Create("research")
        .AddMap("summaries", "chunks", m => m.AddLlmStep("summary", "Summarize: {item}"), maxConcurrency: 4)
        .AddParallel("review", p => p
            .AddLlmStep("pros", "Strengths of: {summaries}")
            .AddLlmStep("cons", "Weaknesses of: {summaries}"))
        .AddLoop("refine", body => body
                .AddLlmStep("draft", "Weigh {pros} against {cons}. Address this critique if any: {critique}")
                .AddLlmStep("critique", "Critique this, or answer APPROVED: {draft}"),
            until: ctx => ctx.Get<string>("critique")!.Contains("APPROVED", StringComparison.Ordinal), maxIterations: 3)
        .AddRoute("publish", ctx => ctx.Get<string>("channel"), r => r
            .When("email", e => e.AddLlmStep("email", "Format as an email: {draft}"))
            .Otherwise(o => o.AddLlmStep("post", "Format as a post: {draft}")))
        .Build();

    [Fact]
    public async Task ReadmeExample_RunsEveryConstructWithPathsAndFirstIterationCritiqueEmpty()
    {
        var mock = new MockChatClient()
            .WithPatternResponse("^Summarize: (.+)$", "<$1>")
            .WithPatternResponse("^Strengths of: (.+)$", "strong")
            .WithPatternResponse("^Weaknesses of: (.+)$", "weak")
            .WithPatternResponse("^Weigh strong against weak. Address this critique if any: $", "first draft")
            .WithPatternResponse("^Weigh strong against weak. Address this critique if any: too short$", "second draft")
            .WithPatternResponse("^Critique this, or answer APPROVED: first draft$", "too short")
            .WithPatternResponse("^Critique this, or answer APPROVED: second draft$", "APPROVED")
            .WithPatternResponse("^Format as an email: (.+)$", "Dear reader, $1");
        await using var engine = new WorkflowEngine(mock);

        var result = await engine.ExecuteAsync(Research(), new Dictionary<string, object?>
        {
            ["chunks"] = new List<string> { "a", "b" },
            ["channel"] = "Email",
        }).Within();

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        Assert.Equal("Dear reader, second draft", result.Output);
        Assert.Equal(
            ["summaries", "summaries[0]", "summaries[1]", "review", "review/pros", "review/cons",
             "refine", "refine[1]/draft", "refine[1]/critique", "refine[2]/draft", "refine[2]/critique", "publish", "publish/email"],
            result.Steps.Select(static s => s.Path));
        Assert.Contains(mock.Calls, static c => c.Prompt == "Strengths of: <a>\n<b>");
        Assert.Equal(9, result.Metrics.LlmCalls);
        Assert.Equal(result.Metrics.TotalUsage.TotalTokens, result.Steps.Sum(static s => s.Usage.TotalTokens));
    }
}
