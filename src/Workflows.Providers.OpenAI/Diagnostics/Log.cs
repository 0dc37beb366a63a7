using System.Net;
using Microsoft.Extensions.Logging;

namespace Workflows.Providers.OpenAI;

/// <summary>The OpenAI provider's log events. Event ids 3000-3999 belong to this package; an id is never reused.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 3001, EventName = "ChatCompleted", Level = LogLevel.Debug,
        Message = "Provider {ProviderName} ({SystemName}) chat call: model {Model}, response model {ResponseModel}, temperature {Temperature}, " +
                  "max tokens {MaxTokens}, latency {LatencyMs} ms, finish reason {FinishReason}, tokens {InputTokens} in / {OutputTokens} out, " +
                  "request id {RequestId}, rate limit: requests {RateLimitRemainingRequests}/{RateLimitLimitRequests} (reset {RateLimitResetRequests}), " +
                  "tokens {RateLimitRemainingTokens}/{RateLimitLimitTokens} (reset {RateLimitResetTokens}).")]
    public static partial void ChatCompleted(
        this ILogger logger, string providerName, string systemName, string model, string? responseModel, double? temperature, int? maxTokens,
        double latencyMs, string? finishReason, long inputTokens, long outputTokens, string? requestId,
        string? rateLimitRemainingRequests, string? rateLimitLimitRequests, string? rateLimitResetRequests,
        string? rateLimitRemainingTokens, string? rateLimitLimitTokens, string? rateLimitResetTokens);

    [LoggerMessage(EventId = 3002, EventName = "ChatFailed", Level = LogLevel.Warning,
        Message = "Provider {ProviderName} ({SystemName}) chat call for model {Model} failed after {LatencyMs} ms: status {StatusCode}, " +
                  "error code {ErrorCode}, request id {RequestId}.")]
    public static partial void ChatFailed(
        this ILogger logger, Exception exception, string providerName, string systemName, string model, double latencyMs,
        HttpStatusCode? statusCode, string? errorCode, string? requestId);

    [LoggerMessage(EventId = 3003, EventName = "PromptSent", Level = LogLevel.Trace,
        Message = "Provider {ProviderName} sends to model {Model}: {Prompt}")]
    public static partial void PromptSent(this ILogger logger, string providerName, string model, [UserContentData] string prompt);

    [LoggerMessage(EventId = 3004, EventName = "CompletionReceived", Level = LogLevel.Trace,
        Message = "Provider {ProviderName} received from model {Model}: {Completion}")]
    public static partial void CompletionReceived(this ILogger logger, string providerName, string model, [UserContentData] string completion);

    [LoggerMessage(EventId = 3005, EventName = "ProviderInitialized", Level = LogLevel.Debug,
        Message = "Provider {ProviderName} ({SystemName}) is ready: endpoint {Endpoint}, at most {MaxAttempts} attempts, " +
                  "attempt timeout {AttemptTimeout}, request timeout {RequestTimeout}.")]
    public static partial void ProviderInitialized(
        this ILogger logger, string providerName, string systemName, Uri endpoint, int maxAttempts, TimeSpan attemptTimeout, TimeSpan requestTimeout);

    [LoggerMessage(EventId = 3006, EventName = "ProviderCleanedUp", Level = LogLevel.Debug,
        Message = "Provider {ProviderName} ({SystemName}) was cleaned up.")]
    public static partial void ProviderCleanedUp(this ILogger logger, string providerName, string systemName);

    [LoggerMessage(EventId = 3007, EventName = "AdditionalPropertyIgnored", Level = LogLevel.Debug,
        Message = "Provider {ProviderName} does not send the request setting {PropertyName}; it supports {SupportedProperties}.")]
    public static partial void AdditionalPropertyIgnored(this ILogger logger, string providerName, string propertyName, string supportedProperties);

    [LoggerMessage(EventId = 3008, EventName = "SamplingParametersDropped", Level = LogLevel.Debug,
        Message = "Provider {ProviderName} does not send {DroppedParameters} to {Model}: reasoning models reject them.")]
    public static partial void SamplingParametersDropped(this ILogger logger, string providerName, string model, string droppedParameters);
}
