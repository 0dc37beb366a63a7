using Microsoft.Extensions.AI;

namespace Workflows.Tests.Providers;

public sealed class TokenUsageTests
{
    [Fact]
    public void FromUsageDetails_Null_IsEmptyAndUnreported()
    {
        var usage = TokenUsage.FromUsageDetails(null);

        Assert.Same(TokenUsage.Empty, usage);
        Assert.False(usage.IsReported);
    }

    [Fact]
    public void FromUsageDetails_NoTotal_TotalIsInputPlusOutput()
    {
        var usage = TokenUsage.FromUsageDetails(new UsageDetails { InputTokenCount = 7, OutputTokenCount = 5 });

        Assert.Equal(12, usage.TotalTokens);
    }

    [Fact]
    public void FromUsageDetails_ReportedTotal_IsKeptEvenWhenItDiffers()
    {
        var usage = TokenUsage.FromUsageDetails(new UsageDetails { InputTokenCount = 7, OutputTokenCount = 5, TotalTokenCount = 20 });

        Assert.Equal(20, usage.TotalTokens);
    }

    [Theory]
    [InlineData(7L, null)]
    [InlineData(null, 5L)]
    public void FromUsageDetails_OneCountMissing_TotalStaysUnknownButUsageIsReported(long? input, long? output)
    {
        var usage = TokenUsage.FromUsageDetails(new UsageDetails { InputTokenCount = input, OutputTokenCount = output });

        Assert.Null(usage.TotalTokens);
        Assert.True(usage.IsReported);
        Assert.Equal(input, usage.InputTokens);
        Assert.Equal(output, usage.OutputTokens);
    }

    [Fact]
    public void IsReported_OnlyTotalKnown_IsTrue()
    {
        Assert.True(new TokenUsage { TotalTokens = 3 }.IsReported);
        Assert.False(new TokenUsage { CachedInputTokens = 3 }.IsReported);
    }

    [Fact]
    public void Add_UnknownPlusKnown_IsTheKnownAndUnknownPlusUnknownStaysUnknown()
    {
        var sum = TokenUsage.Empty + new TokenUsage { InputTokens = 4, CachedInputTokens = 2 };

        Assert.Equal(4, sum.InputTokens);
        Assert.Null(sum.OutputTokens);
        Assert.Null(sum.TotalTokens);
        Assert.Equal(2, sum.CachedInputTokens);
        Assert.Null(sum.ReasoningTokens);
        Assert.Equal(TokenUsage.From(3, 4), TokenUsage.Add(TokenUsage.From(1, 1), TokenUsage.From(2, 3)));
    }

    [Fact]
    public void Add_Null_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => TokenUsage.Empty + null!);
        Assert.Throws<ArgumentNullException>(() => null! + TokenUsage.Empty);
    }
}
