using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Timeout;

namespace Workflows.Providers.OpenAI;

/// <summary>
/// Registers the named <see cref="HttpClient"/> of one provider and its resilience pipeline, the only layer that retries:
/// a total timeout around an exponential-backoff retry (with jitter, honouring <c>Retry-After</c>) around a per-attempt timeout.
/// </summary>
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
            })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);

        builder.AddResilienceHandler(ClientName(providerName), (pipeline, context) =>
        {
            var options = context.ServiceProvider.GetRequiredService<IOptionsMonitor<OpenAIProviderOptions>>().Get(providerName);
            Configure(pipeline, options);
        });
        return builder;
    }

    /// <summary>Whether an attempt's outcome is worth another attempt: 408, 429, 5xx, a timed-out attempt or a failed connection.</summary>
    public static bool IsTransient(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Result: { } response } => IsTransient(response.StatusCode),
        { Exception: HttpRequestException or TimeoutRejectedException } => true,
        _ => false,
    };

    /// <summary>408, 429 and 5xx are retried; everything else (400, 401, 403, 404...) is not.</summary>
    public static bool IsTransient(HttpStatusCode statusCode) =>
        statusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)statusCode >= 500;

    private static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, OpenAIProviderOptions options)
    {
        pipeline.AddTimeout(new HttpTimeoutStrategyOptions { Name = "RequestTimeout", Timeout = options.RequestTimeout });
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
                ShouldHandle = static args => ValueTask.FromResult(IsTransient(args.Outcome)),
            });
        }

        pipeline.AddTimeout(new HttpTimeoutStrategyOptions { Name = "AttemptTimeout", Timeout = options.AttemptTimeout });
    }
}
