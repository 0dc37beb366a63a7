namespace Workflows.Providers.OpenAI.Tests;

/// <summary>
/// A test that needs the OpenAI emulator (aimock) that <c>eng/test.sh</c> starts and announces in <c>AIMOCK_URL</c>.
/// Without it the test is reported as skipped, except in CI (<c>CI=true</c>), where it runs and fails.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class AimockFactAttribute : FactAttribute
{
    public AimockFactAttribute()
    {
        if (Aimock.Url is null && !Aimock.IsCi)
        {
            Skip = $"{Aimock.UrlVariable} is not set: run the tests with 'bash eng/test.sh', which starts the aimock emulator.";
        }
    }
}

/// <summary>Where the emulator runs.</summary>
public static class Aimock
{
    public const string UrlVariable = "AIMOCK_URL";

    public static Uri? Url =>
        Environment.GetEnvironmentVariable(UrlVariable) is { Length: > 0 } value ? new Uri(value.TrimEnd('/') + "/") : null;

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Gets the emulator's URL, failing the test when it is missing (only reachable in CI, where such tests never skip).</summary>
    public static Uri RequiredUrl => Url ?? throw new InvalidOperationException(
        $"{UrlVariable} is not set, but CI=true requires the aimock emulator: eng/test.sh must install and start it (npm ci --prefix tests/aimock).");
}
