using Microsoft.Extensions.AI;

namespace Workflows.Tests.Edges;

/// <summary>Small parts of the surface no larger test reads: a template's text, a route's branches, the prompt of a conversation.</summary>
public sealed class SmallSurfaceEdgeTests
{
    [Fact]
    public void PromptTemplate_ToString_IsTheTemplateText()
    {
        Assert.Equal("Summarize {draft} for {reader}", new PromptTemplate("Summarize {draft} for {reader}").ToString());
    }

    [Fact]
    public void RouteStep_Branches_AreTheBuildersWhenAndOtherwise()
    {
        var workflow = Workflow.Create("routed")
            .AddRoute("pick", static _ => "short", static r => r
                .When("short", static b => b.AddTransformStep("brief", static _ => 1))
                .Otherwise(static b => b.AddTransformStep("long", static _ => 2)))
            .AddRoute("strict", static _ => "a", static r => r.When("a", static b => b.AddTransformStep("only", static _ => 3)))
            .Build();

        var pick = Assert.IsType<RouteStep>(workflow.Steps[0]);
        Assert.Equal("brief", Assert.Single(pick.Routes["short"]).Name);
        Assert.Equal("long", Assert.Single(pick.Otherwise!).Name);
        Assert.Null(Assert.IsType<RouteStep>(workflow.Steps[1]).Otherwise);
    }

    [Fact]
    public void ChatMessages_LastUserText_IsTheLastUserMessageOrEmpty()
    {
        Assert.Equal(string.Empty, ChatMessages.LastUserText([new ChatMessage(ChatRole.System, "Be brief.")]));
        Assert.Equal(string.Empty, ChatMessages.LastUserText([]));
        Assert.Equal(
            "second",
            ChatMessages.LastUserText([new(ChatRole.User, "first"), new(ChatRole.User, "second"), new(ChatRole.Assistant, "answer")]));
    }
}
