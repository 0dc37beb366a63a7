using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Workflows.Hosting.Tests.TestSupport;

/// <summary>Builds hosts the way applications do (Host.CreateApplicationBuilder), in an empty temporary content root.</summary>
internal sealed class TestHost : IDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private TestHost(string contentRoot)
    {
        ContentRoot = contentRoot;
        Builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ContentRootPath = contentRoot,
            Args = [],
            EnvironmentName = Environments.Production,
        });
        Builder.Logging.ClearProviders();
    }

    public string ContentRoot { get; }

    public HostApplicationBuilder Builder { get; }

    public static TestHost Create(Action<string>? writeFiles = null)
    {
        var root = Path.Combine(Path.GetTempPath(), "wf-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        writeFiles?.Invoke(root);
        return new TestHost(root);
    }

    public TestHost Configure(params (string Key, string? Value)[] settings)
    {
        Builder.Configuration.AddInMemoryCollection(settings.Select(static s => new KeyValuePair<string, string?>(s.Key, s.Value)));
        return this;
    }

    public TestHost Services(Action<IServiceCollection> configure)
    {
        configure(Builder.Services);
        return this;
    }

    public IHost Build() => Builder.Build();

    public void Dispose()
    {
        try
        {
            Directory.Delete(ContentRoot, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp directory left behind is harmless.
        }
    }
}
