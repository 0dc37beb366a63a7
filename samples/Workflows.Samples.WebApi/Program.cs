// GenAI Workflows in an ASP.NET Core minimal API. Run from the repository root:
//   dotnet run --project samples/Workflows.Samples.WebApi
//   curl -s -X POST http://127.0.0.1:5080/workflows/summarize/runs -H 'Content-Type: application/json' -d '{"text":"..."}'
// See README.md beside this file for the endpoints, status codes and configuration.
using Workflows.Samples.WebApi;

var app = WebApiApp.Create(args);
await app.RunAsync();
