using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Workflows.Samples.WebApi;

namespace Workflows.Samples.Tests.WebApi;

/// <summary>Starts the sample on a real Kestrel listener on a loopback port and talks to it over HTTP.</summary>
public sealed class WebApiSampleTests : IAsyncLifetime, IDisposable
{
    private WebApplication? _app;
    private HttpClient? _client;

    private HttpClient Client => _client!;

    private FakeLogCollector Logs => _app!.Services.GetRequiredService<FakeLogCollector>();

    public Task InitializeAsync() => StartAsync(mockLatencyMs: 0);

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        _client = null;
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null;
        }
    }

    public void Dispose() => _client?.Dispose();

    private async Task StartAsync(int mockLatencyMs, double timeoutSeconds = 60)
    {
        await DisposeAsync();
        _app = WebApiApp.Create(
            ["--urls", "http://127.0.0.1:0"],
            SampleDirectory.Of("Workflows.Samples.WebApi"),
            builder =>
            {
                builder.Configuration.AddInMemoryCollection(
                [
                    new("Sample:MockLatencyMs", mockLatencyMs.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                    new("Sample:ConsoleTelemetry", "false"),
                    new("GenAiWorkflows:DefaultProvider", "mock"),
                    new("GenAiWorkflows:TimeoutSeconds", timeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                    new("Logging:LogLevel:Microsoft.Hosting.Lifetime", "Warning"),
                ]);
                builder.Logging.AddFakeLogging();
            });
        await _app.StartAsync().WaitAsync(SampleDirectory.Timeout);
        _client = new HttpClient { BaseAddress = new Uri(_app.Urls.Single()), Timeout = SampleDirectory.Timeout };
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    [Fact]
    public async Task PostRun_KnownWorkflow_ReturnsCompletedResultWithStepsUsageCostAndDurations()
    {
        Assert.StartsWith("http://127.0.0.1:", Client.BaseAddress!.ToString(), StringComparison.Ordinal);

        using var response = await Client.PostAsync("/workflows/product-listing/runs", Json("""{"product":"a desk lamp"}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Completed", body.GetProperty("status").GetString());
        Assert.Equal("product-listing", body.GetProperty("workflow").GetString());
        Assert.Equal("a desk lamp, built for every day.", body.GetProperty("output").GetString());
        Assert.Equal(2, body.GetProperty("modelCalls").GetInt32());
        Assert.True(body.GetProperty("usage").GetProperty("totalTokens").GetInt64() > 0);
        Assert.True(body.GetProperty("cost").GetProperty("amountUsd").GetDecimal() > 0);
        Assert.True(body.GetProperty("durationMs").GetDouble() > 0);
        var steps = body.GetProperty("steps").EnumerateArray().ToList();
        Assert.Equal(["description", "tagline"], steps.Select(static s => s.GetProperty("name").GetString()));
        Assert.All(steps, static s => Assert.Equal("Completed", s.GetProperty("status").GetString()));
        Assert.All(steps, static s => Assert.Equal("mock", s.GetProperty("provider").GetString()));
        Assert.Equal(body.GetProperty("correlationId").GetString(), response.Headers.GetValues("X-Correlation-Id").Single());
    }

    [Fact]
    public async Task PostRun_MapAndParallelWorkflow_ReturnsEveryStepWithItsPath()
    {
        using var response = await Client.PostAsync(
            "/workflows/review-digest/runs", Json("""{"parts":["The screen is bright","The battery dies by noon"]}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Completed", body.GetProperty("status").GetString());
        Assert.Equal("Worth it if Fast and light. matters more than: Short battery life.", body.GetProperty("output").GetString());
        Assert.Equal(5, body.GetProperty("modelCalls").GetInt32());
        var steps = body.GetProperty("steps").EnumerateArray().ToList();
        Assert.Equal(
            ["notes", "notes[0]", "notes[1]", "opinions", "opinions/strengths", "opinions/weaknesses", "verdict"],
            steps.Select(static s => s.GetProperty("path").GetString()));
        Assert.Equal(
            ["Part: The screen is bright", "Part: The battery dies by noon"],
            steps[0].GetProperty("output").EnumerateArray().Select(static o => o.GetString()));
        Assert.Equal("Fast and light.", steps[3].GetProperty("output").GetProperty("strengths").GetString());
    }

    [Fact]
    public async Task PostStream_KnownWorkflow_SendsEventsInOrderEndingWithTheResult()
    {
        using var response = await Client.PostAsync("/workflows/product-listing/runs/stream", Json("""{"product":"a desk lamp"}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var events = ParseServerSentEvents(await response.Content.ReadAsStringAsync());
        Assert.Equal("run_started", events[0].Type);
        Assert.Equal(["run_started", "step_started", "step_completed", "step_started", "step_completed", "run_completed"],
            events.Select(static e => e.Type).Where(static t => t != "text_delta").ToArray());
        var deltas = events.Where(static e => e.Type == "text_delta").Select(static e => e.Data).ToList();
        Assert.NotEmpty(deltas);
        Assert.All(deltas, static d => Assert.True(d.TryGetProperty("stepName", out _)));
        Assert.Equal(
            "a desk lamp, built for every day.",
            string.Concat(deltas.Where(static d => d.GetProperty("stepName").GetString() == "tagline").Select(static d => d.GetProperty("text").GetString())));
        var result = events[^1].Data;
        Assert.Equal("Completed", result.GetProperty("status").GetString());
        Assert.Equal("a desk lamp, built for every day.", result.GetProperty("output").GetString());
        Assert.Equal(2, result.GetProperty("modelCalls").GetInt32());
    }

    [Fact]
    public async Task PostStream_UnknownWorkflow_Returns404Problem()
    {
        using var response = await Client.PostAsync("/workflows/nope/runs/stream", Json("{}"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private static List<(string Type, JsonElement Data)> ParseServerSentEvents(string text)
    {
        var events = new List<(string Type, JsonElement Data)>();
        foreach (var block in text.Replace("\r\n", "\n", StringComparison.Ordinal).Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            var lines = block.Split('\n');
            var type = lines.FirstOrDefault(static l => l.StartsWith("event: ", StringComparison.Ordinal))?["event: ".Length..] ?? "message";
            var data = string.Concat(lines.Where(static l => l.StartsWith("data: ", StringComparison.Ordinal)).Select(static l => l["data: ".Length..]));
            events.Add((type, JsonDocument.Parse(data).RootElement.Clone()));
        }

        return events;
    }

    [Fact]
    public async Task PostRun_UnknownWorkflow_Returns404ProblemNamingTheRegisteredOnes()
    {
        using var response = await Client.PostAsync("/workflows/nope/runs", Json("{}"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(404, problem.GetProperty("status").GetInt32());
        Assert.Contains("'nope'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("summarize", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("application/json", "[1, 2]", "it is an array")]
    [InlineData("application/json", "\"text\"", "it is a string")]
    [InlineData("application/json", "{\"text\":", "not valid JSON")]
    [InlineData("text/plain", "{\"text\":\"hi\"}", "'text/plain")]
    public async Task PostRun_BadInputs_Returns400ProblemSayingWhatIsWrong(string contentType, string body, string expected)
    {
        using var content = new StringContent(body, Encoding.UTF8, contentType);

        using var response = await Client.PostAsync("/workflows/summarize/runs", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(expected, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostRun_RunFails_Returns422WithTheErrorAndNoStackTrace()
    {
        using var response = await Client.PostAsync("/workflows/summarize/runs", Json("""{"txt":"typo in the input name"}"""));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        var body = JsonDocument.Parse(text).RootElement;
        Assert.Equal("Failed", body.GetProperty("status").GetString());
        Assert.Equal("summary", body.GetProperty("error").GetProperty("step").GetString());
        Assert.Contains("'text'", body.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostRun_RunTimesOut_Returns504WithStatusTimedOut()
    {
        await StartAsync(mockLatencyMs: 10_000, timeoutSeconds: 0.2);

        using var response = await Client.PostAsync("/workflows/summarize/runs", Json("""{"text":"slow"}"""));

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("TimedOut", body.GetProperty("status").GetString());
        Assert.Equal("TimedOut", body.GetProperty("error").GetProperty("kind").GetString());
    }

    [Fact]
    public async Task Health_ReportsEachProviderAndWhetherItInitialized()
    {
        var health = await Client.GetFromJsonAsync<JsonElement>("/health");

        Assert.Equal("Healthy", health.GetProperty("status").GetString());
        var mock = Assert.Single(health.GetProperty("providers").EnumerateArray());
        Assert.Equal("mock", mock.GetProperty("name").GetString());
        Assert.True(mock.GetProperty("initialized").GetBoolean());
    }

    [Fact]
    public async Task PostRun_ClientDisconnects_CancelsTheRun()
    {
        await StartAsync(mockLatencyMs: 10_000);
        using var disconnect = new CancellationTokenSource();
        var request = Client.PostAsync("/workflows/summarize/runs", Json("""{"text":"a long document"}"""), disconnect.Token);
        await WaitForAsync(() => Logs.GetSnapshot().Any(static r => r.Id.Id == 1001 && Equals(r.GetStructuredStateValue("ToStatus"), "Running")));

        await disconnect.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request);

        var ended = await WaitForAsync(() => Logs.GetSnapshot().FirstOrDefault(static r => r.Id.Id == 5001));
        Assert.Equal("Cancelled", ended.GetStructuredStateValue("Status"));
        Assert.Equal("True", ended.GetStructuredStateValue("ClientDisconnected"));
    }

    private static async Task<T> WaitForAsync<T>(Func<T?> probe)
    {
        var deadline = DateTime.UtcNow + SampleDirectory.Timeout;
        while (true)
        {
            if (probe() is { } found && found is not false)
            {
                return found;
            }

            Assert.True(DateTime.UtcNow < deadline, "Timed out waiting for the run.");
            await Task.Delay(20);
        }
    }
}
