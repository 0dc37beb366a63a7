namespace Workflows.Tests.Edges;

/// <summary>Every shipped default price is found by its model key, so a typo in a key cannot go unseen.</summary>
public sealed class PriceTableDefaultsTests
{
    // US dollars per million tokens: input, cached input (-1 for none), output, as read on PriceTable.DefaultsReadOn.
    [Theory]
    [InlineData("gpt-4o-mini", 0.15, 0.075, 0.60)]
    [InlineData("gpt-4o", 2.50, 1.25, 10.00)]
    [InlineData("gpt-4.1", 2.00, 0.50, 8.00)]
    [InlineData("gpt-4.1-mini", 0.40, 0.10, 1.60)]
    [InlineData("gpt-4.1-nano", 0.10, 0.025, 0.40)]
    [InlineData("gpt-5", 1.25, 0.125, 10.00)]
    [InlineData("gpt-5-mini", 0.25, 0.025, 2.00)]
    [InlineData("gpt-5-nano", 0.05, 0.005, 0.40)]
    [InlineData("o3", 2.00, 0.50, 8.00)]
    [InlineData("o3-mini", 1.10, 0.55, 4.40)]
    [InlineData("o4-mini", 1.10, 0.275, 4.40)]
    [InlineData("gpt-3.5-turbo", 0.50, -1, 1.50)]
    public void TryGetPrice_ShippedModelKey_FindsItsOwnPrice(string model, double input, double cachedInput, double output)
    {
        var table = new PriceTable();

        Assert.True(table.TryGetPrice(model, out var price));

        Assert.Equal((decimal)input, price.InputPerMillionTokens);
        Assert.Equal(cachedInput < 0 ? (decimal?)null : (decimal)cachedInput, price.CachedInputPerMillionTokens);
        Assert.Equal((decimal)output, price.OutputPerMillionTokens);
    }

    [Fact]
    public void Defaults_AreExactlyTheTwelveShippedModels()
    {
        Assert.Equal(
            ["gpt-3.5-turbo", "gpt-4.1", "gpt-4.1-mini", "gpt-4.1-nano", "gpt-4o", "gpt-4o-mini", "gpt-5", "gpt-5-mini", "gpt-5-nano", "o3", "o3-mini", "o4-mini"],
            PriceTable.Defaults.Keys.Order(StringComparer.Ordinal));
    }
}
