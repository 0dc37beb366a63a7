namespace Workflows.Tests.TestSupport;

/// <summary>Bounds every wait in the tests, so that a hang fails the test instead of hanging the run.</summary>
internal static class Bounded
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public static Task<T> Within<T>(this Task<T> task) => task.WaitAsync(Timeout);

    public static Task Within(this Task task) => task.WaitAsync(Timeout);

    /// <summary>Runs <paramref name="action"/> on a dedicated thread and fails if it does not return in time.</summary>
    public static T OnThread<T>(Func<T> action)
    {
        T result = default!;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = action();
            }
            catch (Exception ex)
            {
                failure = ex;
            }
        })
        { IsBackground = true };
        thread.Start();
        Assert.True(thread.Join(Timeout), $"The call did not return within {Timeout.TotalSeconds} s (deadlock or hang).");
        if (failure is not null)
        {
            throw new InvalidOperationException("The call threw.", failure);
        }

        return result;
    }
}
