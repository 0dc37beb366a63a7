using BenchmarkDotNet.Attributes;

namespace Workflows.Benchmarks;

/// <summary>Throughput of <see cref="PromptInjectionDetector"/> on ordinary, attack-laden and adversarial text.</summary>
[MemoryDiagnoser]
public class PromptInjectionDetectorBenchmarks
{
    private readonly PromptInjectionDetector _detector = new();
    private string _text = string.Empty;

    [Params("prose", "attacks", "confusables", "digits", "dots-dashes")]
    public string Input { get; set; } = "prose";

    [GlobalSetup]
    public void Setup() => _text = SafetyInputs.Create(Input);

    [Benchmark]
    public int Detect() => _detector.Detect(_text).Count;

    [Benchmark]
    public bool ContainsInjection() => _detector.ContainsInjection(_text);
}
