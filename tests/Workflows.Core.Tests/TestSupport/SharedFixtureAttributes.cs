namespace Workflows.Tests.TestSupport;

/// <summary>
/// A test that reads <c>../shared/fixtures</c> beside the repository. Without that folder the test is reported as skipped,
/// except in CI (<c>CI=true</c>), where it runs and fails.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class SharedFixtureFactAttribute : FactAttribute
{
    public SharedFixtureFactAttribute()
    {
        Skip = RepoPaths.SharedFixturesSkipReason;
    }
}

/// <summary>The <see cref="TheoryAttribute"/> form of <see cref="SharedFixtureFactAttribute"/>.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class SharedFixtureTheoryAttribute : TheoryAttribute
{
    public SharedFixtureTheoryAttribute()
    {
        Skip = RepoPaths.SharedFixturesSkipReason;
    }
}
