namespace Workflows.Tests.TestSupport;

/// <summary>
/// Finds the repository (the folder holding Workflows.sln) and the shared fixtures beside it; the same rule as
/// Workflows.Providers.OpenAI.Tests' RepoPaths.
/// </summary>
public static class RepoPaths
{
    private static readonly Lazy<string> RootPath = new(FindRoot);

    public static string Root => RootPath.Value;

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Gets <c>&lt;repo&gt;/../shared/fixtures</c>, failing with what is missing when the folder is not there.</summary>
    public static string SharedFixtures => Directory.Exists(SharedFixturesPath)
        ? SharedFixturesPath
        : throw new DirectoryNotFoundException(
            $"The shared fixtures are not at {SharedFixturesPath}. They come with the project's workspace: clone the repository " +
            "next to its 'shared' folder (CI does).");

    /// <summary>Gets why fixture tests skip here, or <see langword="null"/> when they run (the folder exists, or CI requires it).</summary>
    public static string? SharedFixturesSkipReason =>
        Directory.Exists(SharedFixturesPath) || IsCi
            ? null
            : $"The shared fixtures folder {SharedFixturesPath} is not beside this clone; these tests run where it is (CI always).";

    private static string SharedFixturesPath => Path.GetFullPath(Path.Combine(Root, "..", "shared", "fixtures"));

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
