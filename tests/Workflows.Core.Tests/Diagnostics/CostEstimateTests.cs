namespace Workflows.Tests.Diagnostics;

public sealed class CostEstimateTests
{
    [Fact]
    public void Add_PricedAndUnpriced_KeepsAmountAndNamesUnpricedOnce()
    {
        var priced = new CostEstimate { AmountUsd = 0.25m };

        var sum = priced + CostEstimate.Unpriced("house-a") + new CostEstimate { AmountUsd = 0.5m } + CostEstimate.Unpriced("HOUSE-A")
                  + CostEstimate.Unpriced("house-b");

        Assert.Equal(0.75m, sum.AmountUsd);
        Assert.False(sum.IsComplete);
        Assert.Equal(["house-a", "house-b"], sum.UnpricedModels);
        Assert.Equal("$0.75 + unknown (house-a, house-b)", sum.ToString());
    }

    [Fact]
    public void Add_Zero_ReturnsOtherSide()
    {
        var unpriced = CostEstimate.Unpriced("house-a");

        Assert.Same(unpriced, CostEstimate.Zero + unpriced);
        Assert.Same(unpriced, unpriced + CostEstimate.Zero);
        Assert.True(CostEstimate.Zero.IsComplete);
        Assert.Equal("$0", CostEstimate.Zero.ToString());
    }
}
