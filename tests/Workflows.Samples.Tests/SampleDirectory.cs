namespace Workflows.Samples.Tests;

/// <summary>Finds a sample's folder in the repository, used as its content root (its appsettings.json and config.yaml).</summary>
internal static class SampleDirectory
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    public static string Of(string project)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Workflows.sln")))
            {
                return Path.Combine(dir.FullName, "samples", project);
            }
        }

        throw new InvalidOperationException($"Workflows.sln not found above {AppContext.BaseDirectory}.");
    }
}
