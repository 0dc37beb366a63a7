namespace Workflows.Tests.Composition;

/// <summary>Measures how many units run at once: call <see cref="RunAsync"/> around the work of each unit.</summary>
internal sealed class ConcurrencyProbe
{
    private int _inFlight;
    private int _peak;
    private int _entered;

    public int Peak => Volatile.Read(ref _peak);

    public int Entered => Volatile.Read(ref _entered);

    public async ValueTask<object?> RunAsync(object? output, TimeSpan delay, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _entered);
        var now = Interlocked.Increment(ref _inFlight);
        int peak;
        while (now > (peak = Volatile.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, now, peak) != peak)
        {
        }

        try
        {
            await Task.Delay(delay, cancellationToken);
            return output;
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }
}

internal static class Runs
{
    public static Dictionary<string, object?> Inputs(params (string Name, object? Value)[] values) =>
        values.ToDictionary(static v => v.Name, static v => v.Value, StringComparer.Ordinal);

    public static string[] Paths(WorkflowResult result) => [.. result.Steps.Select(static s => s.Path)];

    public static StepResult At(WorkflowResult result, string path) => Assert.Single(result.Steps, s => s.Path == path);
}
