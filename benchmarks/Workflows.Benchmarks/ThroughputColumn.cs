using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Workflows.Benchmarks;

/// <summary>A summary column with the input processed per second, in MB/s (10^6 characters of <see cref="SafetyInputs"/>).</summary>
public sealed class ThroughputColumn : IColumn
{
    public string Id => nameof(ThroughputColumn);

    public string ColumnName => "MB/s";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Input characters processed per second, in millions (MB/s for ASCII text)";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var report = summary[benchmarkCase];
        var nanoseconds = report?.ResultStatistics?.Mean;
        return nanoseconds is > 0
            ? (SafetyInputs.Length / (nanoseconds.Value / 1e9) / 1e6).ToString("F1", System.Globalization.CultureInfo.InvariantCulture)
            : "-";
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
