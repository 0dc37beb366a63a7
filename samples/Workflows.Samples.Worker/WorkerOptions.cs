using System.ComponentModel.DataAnnotations;

namespace Workflows.Samples.Worker;

/// <summary>Settings of the run queue, bound from the <c>Worker</c> section.</summary>
public sealed class WorkerOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Worker";

    /// <summary>Gets or sets how many requests may wait to start.</summary>
    [Range(1, 100_000)]
    public int Capacity { get; set; } = 100;

    /// <summary>Gets or sets how many runs execute at the same time.</summary>
    [Range(1, 1024)]
    public int MaxConcurrency { get; set; } = 4;

    /// <summary>Gets or sets how many sample requests are queued at start (0: none).</summary>
    [Range(0, 10_000)]
    public int DemoRuns { get; set; }
}
