namespace Workflows.Providers.OpenAI.Tests;

/// <summary>Finds the repository (the folder holding Workflows.sln) and the shared fixtures beside it.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> RootPath = new(FindRoot);

    public static string Root => RootPath.Value;

    /// <summary>Gets <c>&lt;repo&gt;/../shared/fixtures</c>.</summary>
    public static string SharedFixtures => Path.GetFullPath(Path.Combine(Root, "..", "shared", "fixtures"));

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Workflows.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Workflows.sln above {AppContext.BaseDirectory}; run the tests from the repository.");
    }
}
