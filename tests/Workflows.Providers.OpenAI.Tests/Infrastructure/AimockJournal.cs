using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Workflows.Providers.OpenAI.Tests;

/// <summary>Reads aimock's request journal (<c>GET /__aimock/journal</c>) for one test, identified by its X-Test-Id header.</summary>
public static class AimockJournal
{
    public const string TestIdHeader = "X-Test-Id";

    public static async Task<IReadOnlyList<JsonObject>> ForTestAsync(string testId)
    {
        using var client = new HttpClient { BaseAddress = Aimock.RequiredUrl, Timeout = TimeSpan.FromSeconds(10) };
        var entries = await client.GetFromJsonAsync<JsonArray>($"__aimock/journal?testId={Uri.EscapeDataString(testId)}")
                      ?? throw new InvalidOperationException("The journal was empty.");
        return [.. entries.OfType<JsonObject>()];
    }

    public static string Path(JsonObject entry) => entry["path"]!.GetValue<string>();

    public static int Status(JsonObject entry) => entry["response"]!["status"]!.GetValue<int>();

    public static JsonObject Headers(JsonObject entry) => entry["headers"]!.AsObject();

    public static JsonObject Body(JsonObject entry) => entry["body"]!.AsObject();

    public static string Describe(IEnumerable<JsonObject> entries) =>
        string.Join("\n", entries.Select(static e => e.ToJsonString(new JsonSerializerOptions { WriteIndented = false })));
}

/// <summary>Adds the X-Test-Id header to every attempt, so aimock keeps the test's sequence counters and journal apart.</summary>
public sealed class TestIdHandler(string testId) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Remove(AimockJournal.TestIdHeader);
        request.Headers.Add(AimockJournal.TestIdHeader, testId);
        return base.SendAsync(request, cancellationToken);
    }
}
