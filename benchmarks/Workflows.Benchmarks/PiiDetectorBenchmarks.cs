using BenchmarkDotNet.Attributes;

namespace Workflows.Benchmarks;

/// <summary>Throughput of <see cref="PiiDetector"/> on ordinary and adversarial text.</summary>
[MemoryDiagnoser]
public class PiiDetectorBenchmarks
{
    private readonly PiiDetector _detector = new();
    private string _text = string.Empty;

    [Params("prose", "prose-pii", "digits", "at-signs", "dots-dashes")]
    public string Input { get; set; } = "prose";

    [GlobalSetup]
    public void Setup() => _text = SafetyInputs.Create(Input);

    [Benchmark]
    public int Detect() => _detector.Detect(_text).Count;

    [Benchmark]
    public int Redact() => _detector.Redact(_text).Length;
}
