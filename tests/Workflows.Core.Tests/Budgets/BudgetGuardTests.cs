using Microsoft.Extensions.AI;

namespace Workflows.Tests.Budgets;

/// <summary>The input estimate a budget reserves before a call: text, and the tool calls and results of a tool loop's later rounds.</summary>
public sealed class BudgetGuardTests
{
    [Fact]
    public void EstimateInputTokens_ToolRound_CountsTheCallsNameAndArgumentsAndTheResult()
    {
        ChatMessage[] round =
        [
            new(ChatRole.User, "What is the weather in Oslo?"),                                       // 28 chars: 7 tokens
            new(ChatRole.Assistant, [new FunctionCallContent("call-1", "get_weather",                 // 11 chars: 3 tokens
                new Dictionary<string, object?> { ["city"] = "Oslo" })]),                             // "[city, Oslo]", 12 chars: 3 tokens
            new(ChatRole.Tool, [new FunctionResultContent("call-1", "rainy with strong wind")]),     // 22 chars: 6 tokens
        ];

        Assert.Equal(7 + 3 + 3 + 6, BudgetGuard.EstimateInputTokens(round));
    }

    [Fact]
    public void EstimateInputTokens_CallWithoutArgumentsAndResultWithoutValue_CountOnlyWhatIsThere()
    {
        ChatMessage[] round =
        [
            new(ChatRole.Assistant, [new FunctionCallContent("call-1", "list_cities_now")]),         // 15 chars: 4 tokens
            new(ChatRole.Tool, [new FunctionResultContent("call-1", result: null)]),
        ];

        Assert.Equal(4, BudgetGuard.EstimateInputTokens(round));
    }

    [Fact]
    public void EstimateInputTokens_ContentWithoutText_CountsNothing()
    {
        ChatMessage[] round =
        [
            new(ChatRole.User, [new TextContent("12345678"), new DataContent(new byte[400], "image/png")]),
        ];

        Assert.Equal(2, BudgetGuard.EstimateInputTokens(round));
    }
}
