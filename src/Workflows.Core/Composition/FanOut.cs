namespace Workflows;

/// <summary>
/// Runs the units of a parallel group or map (branches, items) with at most a given number in flight. The first unit whose
/// failure ends the group cancels the others; units not started by then are not started. Results are merged in unit order.
/// </summary>
internal static class FanOut
{
    /// <summary>What one unit did: the frame its results are in, whether its failure ends the group, and its error.</summary>
    public readonly record struct UnitOutcome(StepFrame Frame, bool EndsGroup, ErrorInfo? Error);

    /// <returns>The error of the unit that ended the group; <see langword="null"/> if none did.</returns>
    public static async Task<ErrorInfo?> RunAsync(
        StepContext context, int count, int limit, Func<StepFrame, int, Task<UnitOutcome>> unit, CancellationToken cancellationToken)
    {
        using var group = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var groupFrame = context.Inner.Child(context.Inner.PathPrefix!, token: group.Token);
        var frames = new StepFrame?[count];
        ErrorInfo? failure = null;
        var next = -1;

        async Task WorkAsync()
        {
            while (!group.IsCancellationRequested)
            {
                var index = Interlocked.Increment(ref next);
                if (index >= count)
                {
                    return;
                }

                var outcome = await unit(groupFrame, index).ConfigureAwait(false);
                frames[index] = outcome.Frame;
                if (outcome.EndsGroup && Interlocked.CompareExchange(ref failure, outcome.Error, null) is null)
                {
                    groupFrame.SetCancelReason($"'{outcome.Error?.StepPath}' failed");
                    await group.CancelAsync().ConfigureAwait(false);
                }
            }
        }

        var workers = new Task[Math.Min(limit, count)];
        for (var i = 0; i < workers.Length; i++)
        {
            workers[i] = WorkAsync();
        }

        try
        {
            await Task.WhenAll(workers).ConfigureAwait(false);
        }
        finally
        {
            foreach (var frame in frames)
            {
                if (frame is not null)
                {
                    context.Inner.Results.AddRange(frame.Results);
                }
            }
        }

        return failure;
    }
}
