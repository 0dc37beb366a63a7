using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using Workflows.Benchmarks;

// dotnet run -c Release --project benchmarks/Workflows.Benchmarks -- --filter '*' [--job short]
BenchmarkSwitcher.FromAssembly(typeof(SafetyInputs).Assembly)
    .Run(args, DefaultConfig.Instance.AddColumn(new ThroughputColumn()));
