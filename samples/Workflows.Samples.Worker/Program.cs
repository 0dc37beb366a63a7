// GenAI Workflows in a worker service: a bounded queue of run requests, run with bounded concurrency; on shutdown no new
// work is taken, in-flight runs may finish within the host's shutdown timeout, and whatever had to be cancelled is logged.
// Run from the repository root: dotnet run --project samples/Workflows.Samples.Worker (README.md beside this file).
using Workflows.Samples.Worker;

using var host = WorkerApp.Create(args);
await host.RunAsync();
