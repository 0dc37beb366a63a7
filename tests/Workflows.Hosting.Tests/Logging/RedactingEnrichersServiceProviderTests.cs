namespace Workflows.Hosting.Tests.Logging;

/// <summary>The provider through which the wrapped logger factory is created, on a container without keyed services.</summary>
public sealed class RedactingEnrichersServiceProviderTests
{
    [Fact]
    public void GetKeyedService_InnerProviderWithoutKeyedServices_ReturnsNull()
    {
        var provider = new RedactingEnrichersServiceProvider(new PlainProvider(), LogRedactor.PatternsOnly);

        Assert.Null(provider.GetKeyedService(typeof(string), "key"));
        Assert.Equal("plain", provider.GetService(typeof(string)));
    }

    [Fact]
    public void GetRequiredKeyedService_InnerProviderWithoutKeyedServices_SaysSo()
    {
        var provider = new RedactingEnrichersServiceProvider(new PlainProvider(), LogRedactor.PatternsOnly);

        var ex = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredKeyedService(typeof(string), "key"));

        Assert.Equal("The service provider does not support keyed services ('System.String').", ex.Message);
    }

    private sealed class PlainProvider : IServiceProvider
    {
        public object? GetService(Type serviceType) => serviceType == typeof(string) ? "plain" : null;
    }
}
