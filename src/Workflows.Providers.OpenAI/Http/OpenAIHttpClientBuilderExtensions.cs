using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Workflows.Providers.OpenAI;

/// <summary>
/// Registers the named <see cref="HttpClient"/> of one provider and its resilience pipeline, the only layer that retries:
/// a total timeout around an exponential-backoff retry (with jitter, honouring <c>Retry-After</c>) around a per-attempt timeout.
/// </summary>
/// <remarks>
/// Handlers, outermost first: <see cref="CallTrackingHandler"/>, the resilience handler, <see cref="AttemptHandler"/>
/// (per attempt: counts it and reads a non-streaming body within the attempt timeout). Redirects are not followed (the
/// credential must never go to another origin) and the client has none of IHttpClientFactory's request loggers, which
/// would put the <c>Authorization</c> / <c>api-key</c> values in log state.
/// </remarks>
internal static class OpenAIHttpClientBuilderExtensions
{
    /// <summary>The name of the provider's <see cref="HttpClient"/>: <c>Workflows.OpenAI.openai</c>.</summary>
    public static string ClientName(string providerName) => $"Workflows.OpenAI.{providerName}";

    public static IHttpClientBuilder AddOpenAIHttpClient(this IServiceCollection services, string providerName)
    {
        var builder = services.AddHttpClient(ClientName(providerName))

            // The resilience pipeline owns every timeout; HttpClient's own 100 s default would cut it short.
            .ConfigureHttpClient(static client => client.Timeout = Timeout.InfiniteTimeSpan)

            // One long-lived client per provider: connections are pooled and renewed (DNS changes) by the handler itself.
            .UseSocketsHttpHandler(static (handler, _) =>
            {
                handler.PooledConnectionLifetime = TimeSpan.FromMinutes(5);
                handler.PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1);
                handler.MaxConnectionsPerServer = int.MaxValue;

                // A redirect would resend the api-key header (Azure) to whatever origin the Location names.
                handler.AllowAutoRedirect = false;
            })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)

            // IHttpClientFactory's default loggers record request headers (the credential) in structured state at Trace.
            .RemoveAllLoggers()
            .AddHttpMessageHandler(static provider => new CallTrackingHandler(provider.GetService<TimeProvider>() ?? TimeProvider.System));

        builder.AddResilienceHandler(ClientName(providerName), (pipeline, context) =>
        {
            var options = context.ServiceProvider.GetRequiredService<IOptionsMonitor<OpenAIProviderOptions>>().Get(providerName);
            var timeProvider = context.ServiceProvider.GetService<TimeProvider>() ?? TimeProvider.System;
            Configure(pipeline, options, timeProvider);
        });
        builder.AddHttpMessageHandler(static () => new AttemptHandler());
        return builder;
    }

    /// <summary>Whether an attempt's outcome is worth another attempt: 408, 429, 5xx, a timed-out attempt or a failed connection.</summary>
    public static bool IsTransient(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Result: { } response } => IsTransient(response.StatusCode),
        { Exception: HttpRequestException or TimeoutRejectedException } => true,
        _ => false,
    };

    /// <summary>408, 429 and 5xx are retried; everything else (3xx, 400, 401, 403, 404...) is not.</summary>
    public static bool IsTransient(HttpStatusCode statusCode) =>
        statusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)statusCode >= 500;

    /// <summary>
    /// Decides one retry: transient outcomes are retried, except <c>insufficient_quota</c> (waiting does not refill a quota)
    /// and a <c>Retry-After</c> that asks for longer than is left of the request timeout (the reply is then reported as it is
    /// instead of ending as a timeout). The reason is kept on the <see cref="ProviderCall"/> for the error message.
    /// </summary>
    internal static async ValueTask<bool> ShouldRetryAsync(
        RetryPredicateArguments<HttpResponseMessage> args, OpenAIProviderOptions options, TimeProvider timeProvider)
    {
        if (!IsTransient(args.Outcome))
        {
            return false;
        }

        if (args.Outcome.Result is not { } response)
        {
            return true;
        }

        var call = ProviderCall.Of(response.RequestMessage ?? args.Context.GetRequestMessage());
        var isLastAttempt = args.AttemptNumber >= options.MaxAttempts - 1;
        if (response.StatusCode == HttpStatusCode.TooManyRequests &&
            await ReadErrorCodeAsync(response, args.Context.CancellationToken).ConfigureAwait(false) == "insufficient_quota")
        {
            if (call is not null)
            {
                call.RetryStopReason = "insufficient_quota is not retried: the account's quota is used up, and waiting does not refill it";
            }

            return false;
        }

        if (RetryAfter(response, timeProvider) is { } delay && call?.StartedTimestamp is { } started)
        {
            var left = options.RequestTimeout - timeProvider.GetElapsedTime(started);
            if (delay >= left)
            {
                if (call is not null && !isLastAttempt)
                {
                    call.RetryStopReason =
                        $"not retried: Retry-After asks for {Format(delay)}, more than the {Format(left < TimeSpan.Zero ? TimeSpan.Zero : left)} left " +
                        $"of the request timeout ({Format(options.RequestTimeout)})";
                }

                return false;
            }
        }

        return true;
    }

    private static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, OpenAIProviderOptions options, TimeProvider timeProvider)
    {
        pipeline.AddTimeout(new HttpTimeoutStrategyOptions
        {
            Name = "RequestTimeout",
            Timeout = options.RequestTimeout,
            OnTimeout = static args =>
            {
                ProviderCall.Of(args.Context.GetRequestMessage())?.RequestTimedOut(args.Timeout);
                return default;
            },
        });
        if (options.MaxAttempts > 1)
        {
            pipeline.AddRetry(new HttpRetryStrategyOptions
            {
                Name = "Retry",
                MaxRetryAttempts = options.MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                MaxDelay = options.RetryMaxDelay,
                ShouldRetryAfterHeader = true,
                ShouldHandle = args => ShouldRetryAsync(args, options, timeProvider),
            });
        }

        pipeline.AddTimeout(new HttpTimeoutStrategyOptions
        {
            Name = "AttemptTimeout",
            Timeout = options.AttemptTimeout,
            OnTimeout = static args =>
            {
                ProviderCall.Of(args.Context.GetRequestMessage())?.AttemptTimedOut(args.Timeout);
                return default;
            },
        });
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response, TimeProvider timeProvider) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - timeProvider.GetUtcNow(),
        _ => null,
    };

    private static async Task<string?> ReadErrorCodeAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object &&
                   document.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object &&
                   error.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String
                ? code.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Format(TimeSpan span) => span.ToString(@"hh\:mm\:ss\.FFF", CultureInfo.InvariantCulture).TrimEnd('.');
}
