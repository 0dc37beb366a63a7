using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Workflows.Hosting.Tests.TestSupport;

namespace Workflows.Hosting.Tests.Configuration;

/// <summary>The appsettings.json and config.yaml shipped at the repository root load, agree and pass validation.</summary>
[Collection(EnvironmentVariablesCollection.Name)]
public sealed class RepositoryConfigurationFilesTests
{
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

    [Fact]
    public async Task RepositoryFiles_LoadAndValidateOnHostStart()
    {
        var root = RepositoryRoot();
        using var test = TestHost.Create(dir =>
        {
            File.Copy(Path.Combine(root, "appsettings.json"), Path.Combine(dir, "appsettings.json"));
            File.Copy(Path.Combine(root, "config.yaml"), Path.Combine(dir, "config.yaml"));
        });
        test.Builder.Configuration.AddGenAiWorkflowsConfiguration();
        test.Services(static s => s.AddGenAiWorkflows());
        using var host = test.Build();

        await host.StartAsync().WaitAsync(TestHost.Timeout);
        var options = host.Services.GetRequiredService<IOptions<GenAiWorkflowOptions>>().Value;

        Assert.Equal("mock", options.DefaultProvider);
        Assert.Equal("gpt-4o-mini", options.DefaultModel);
        await host.StopAsync().WaitAsync(TestHost.Timeout);
    }

    [Fact]
    public void RepositoryFiles_YamlRepeatsEveryAppSettingsValue()
    {
        var root = RepositoryRoot();
        var json = new ConfigurationBuilder().SetBasePath(root).AddJsonFile("appsettings.json").Build().GetSection("GenAiWorkflows");
        var yaml = new ConfigurationBuilder().SetBasePath(root).AddGenAiWorkflowsConfiguration().Build().GetSection("GenAiWorkflows");

        Assert.NotEmpty(json.GetChildren());
        Assert.All(json.GetChildren(), setting => Assert.Equal(setting.Value, yaml[setting.Key], ignoreCase: true));
    }

    [Fact]
    public void EnvExample_DocumentsBothFormsOfEveryOption()
    {
        var text = File.ReadAllText(Path.Combine(RepositoryRoot(), ".env.example"));

        foreach (var option in new[] { "DefaultProvider", "DefaultModel", "Temperature", "MaxTokens", "TimeoutSeconds", "LogLevel", "CaptureMessageContent" })
        {
            var key = $"GenAiWorkflows:{option}";
            Assert.Contains($"GenAiWorkflows__{option}=", text, StringComparison.Ordinal);
            Assert.Contains($"{EnvironmentVariableNames.Alias(key)}=", text, StringComparison.Ordinal);
        }

        Assert.Contains("OPENAI_API_KEY=", text, StringComparison.Ordinal);
        Assert.Contains($"{WorkflowTelemetry.CaptureMessageContentEnvironmentVariable}=", text, StringComparison.Ordinal);
    }
}
