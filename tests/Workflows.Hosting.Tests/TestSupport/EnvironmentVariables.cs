namespace Workflows.Hosting.Tests.TestSupport;

/// <summary>Tests in this collection set process-wide environment variables, so they never run in parallel with anything.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EnvironmentVariablesCollection
{
    public const string Name = "Environment variables";
}

/// <summary>Sets environment variables and restores their previous values on dispose.</summary>
internal sealed class EnvironmentVariables : IDisposable
{
    private readonly Dictionary<string, string?> _previous = new(StringComparer.Ordinal);

    public EnvironmentVariables Set(string name, string? value)
    {
        if (!_previous.ContainsKey(name))
        {
            _previous[name] = Environment.GetEnvironmentVariable(name);
        }

        Environment.SetEnvironmentVariable(name, value);
        return this;
    }

    public void Dispose()
    {
        foreach (var (name, value) in _previous)
        {
            Environment.SetEnvironmentVariable(name, value);
        }
    }
}
