using System.Net.Http.Headers;

namespace Workflows.Providers.OpenAI;

/// <summary>
/// What the HTTP layer saw during one chat call: attempts made, the last status and request id, which timeout fired, why
/// retrying stopped early, and the finish reason the SDK could not read. The chat client creates it and makes it current
/// (an <see cref="AsyncLocal{T}"/> that flows into the HttpClient's handlers); the handlers find it in the request's options.
/// </summary>
/// <remarks>One instance belongs to one call; its attempts run one after the other, so plain fields are enough.</remarks>
internal sealed class ProviderCall
{
    /// <summary>The key of the call in <see cref="HttpRequestMessage.Options"/>.</summary>
    public static readonly HttpRequestOptionsKey<ProviderCall> OptionsKey = new("Workflows.OpenAI.ProviderCall");

    private static readonly AsyncLocal<ProviderCall?> CurrentCall = new();

    private static readonly string[] RateLimitHeaderNames =
        ["x-ratelimit-remaining-requests", "x-ratelimit-limit-requests", "x-ratelimit-reset-requests",
         "x-ratelimit-remaining-tokens", "x-ratelimit-limit-tokens", "x-ratelimit-reset-tokens"];

    private int _attempts;

    /// <summary>Gets or sets the call of the current asynchronous flow.</summary>
    public static ProviderCall? Current
    {
        get => CurrentCall.Value;
        set => CurrentCall.Value = value;
    }

    /// <summary>Gets or sets a value indicating whether the call streams its reply.</summary>
    public bool Streaming { get; init; }

    /// <summary>Gets the number of HTTP attempts made so far.</summary>
    public int Attempts => Volatile.Read(ref _attempts);

    /// <summary>Gets when the first attempt started (a <see cref="TimeProvider"/> timestamp), or <see langword="null"/> before.</summary>
    public long? StartedTimestamp { get; private set; }

    /// <summary>Gets the status code of the last response.</summary>
    public int? LastStatus { get; private set; }

    /// <summary>Gets the request id of the last response, as the server sent it (not redacted).</summary>
    public string? RequestId { get; private set; }

    /// <summary>Gets the <c>x-ratelimit-*</c> headers of the last response.</summary>
    public IReadOnlyDictionary<string, string> RateLimitHeaders { get; private set; } = new Dictionary<string, string>();

    /// <summary>Gets how many attempts the attempt timeout ended.</summary>
    public int AttemptTimeouts { get; private set; }

    /// <summary>Gets the value of the attempt timeout that last fired.</summary>
    public TimeSpan? AttemptTimeout { get; private set; }

    /// <summary>Gets the request timeout, when it fired.</summary>
    public TimeSpan? RequestTimeoutFired { get; private set; }

    /// <summary>Gets why the retry stopped before its last attempt (for example a <c>Retry-After</c> past the request timeout).</summary>
    public string? RetryStopReason { get; set; }

    /// <summary>Gets a value indicating whether the reply's finish reason was unknown or missing and was replaced for the SDK.</summary>
    public bool FinishReasonReplaced { get; private set; }

    /// <summary>Gets the finish reason the server sent when it was replaced (<see langword="null"/> when it sent none).</summary>
    public string? OriginalFinishReason { get; private set; }

    public static ProviderCall? Of(HttpRequestMessage? request) =>
        request is not null && request.Options.TryGetValue(OptionsKey, out var call) ? call : null;

    public void Started(long timestamp) => StartedTimestamp ??= timestamp;

    public void AttemptStarted() => Interlocked.Increment(ref _attempts);

    public void Observe(HttpResponseMessage response)
    {
        LastStatus = (int)response.StatusCode;
        RequestId = Header(response.Headers, "x-request-id") ?? Header(response.Headers, "apim-request-id") ?? Header(response.Headers, "x-ms-request-id");
        var rateLimits = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in RateLimitHeaderNames)
        {
            if (Header(response.Headers, name) is { } value)
            {
                rateLimits[name] = value;
            }
        }

        RateLimitHeaders = rateLimits;
    }

    public void AttemptTimedOut(TimeSpan timeout)
    {
        AttemptTimeouts++;
        AttemptTimeout = timeout;
    }

    public void RequestTimedOut(TimeSpan timeout) => RequestTimeoutFired = timeout;

    public void FinishReasonWasReplaced(string? original)
    {
        if (!FinishReasonReplaced)
        {
            FinishReasonReplaced = true;
            OriginalFinishReason = string.IsNullOrWhiteSpace(original) ? null : original;
        }
    }

    private static string? Header(HttpResponseHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) && values.FirstOrDefault() is { Length: > 0 } value ? value : null;
}
