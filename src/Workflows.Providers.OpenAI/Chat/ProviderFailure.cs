using System.ClientModel;
using System.ClientModel.Primitives;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Polly.Timeout;

namespace Workflows.Providers.OpenAI;

/// <summary>
/// Translates whatever a call threw into a <see cref="ProviderException"/> (or <see cref="ProviderAuthException"/>):
/// status, error code, request id and the real number of attempts, with every server-provided text redacted. No SDK
/// exception is attached as it is (its message quotes the raw body): inner exceptions are <see cref="SanitizedException"/>s.
/// </summary>
internal static class ProviderFailure
{
    private const int MaxQuotedLength = 500;

    public static ProviderException Translate(Exception exception, ProviderCall call, OpenAIProviderRuntime runtime, string model)
    {
        var known = exception as ProviderException;
        if (known is not null)
        {
            return known;
        }

        var state = runtime.State;
        var redactor = state.Redactor;
        var who = $"Provider '{runtime.Name}' ({state.SystemName})";
        var attempts = Attempts(call.Attempts);
        var requestId = redactor.RedactOrNull(call.RequestId);
        switch (exception)
        {
            case ClientResultException { Status: > 0 } clientError:
                return FromStatus(clientError, call, runtime, model);

            case MalformedReplyException malformed:
                return Malformed(runtime, model, malformed.Status, redactor.RedactOrNull(malformed.RequestId), malformed.Message, innerException: null, call);

            case TimeoutRejectedException or OperationCanceledException:
                return Timeout(exception, call, runtime, model);

            case ClientResultException or HttpRequestException or IOException:
                var streaming = call.Streaming && call.LastStatus is >= 200 and < 300;
                var what = streaming
                    ? $"lost the connection to {state.Endpoint} while the reply for model '{model}' was arriving"
                    : $"could not reach {state.Endpoint} for model '{model}' after {attempts}";
                return new ProviderException(
                    $"{who} {what}: {redactor.Redact(Describe(exception))}",
                    runtime.Name, statusCode: null, errorCode: "connection_failed", requestId: streaming ? requestId : null,
                    SanitizedException.From(exception, redactor))
                { Attempts = call.Attempts };

            default:
                if (call.Attempts == 0)
                {
                    // Thrown before anything was sent (an argument the SDK or MEAI rejects): not a reply problem.
                    return new ProviderException(
                        $"{who} could not send the request for model '{model}': {redactor.Redact(exception.Message)}",
                        runtime.Name, statusCode: null, errorCode: "invalid_request", requestId: null,
                        SanitizedException.From(exception, redactor))
                    { Attempts = 0 };
                }

                return Malformed(
                    runtime, model, call.LastStatus ?? 0, requestId, $"the SDK could not read it ({exception.Message})",
                    SanitizedException.From(exception, redactor), call);
        }
    }

    private static ProviderException FromStatus(ClientResultException clientError, ProviderCall call, OpenAIProviderRuntime runtime, string model)
    {
        var state = runtime.State;
        var redactor = state.Redactor;
        var who = $"Provider '{runtime.Name}' ({state.SystemName})";
        var raw = clientError.GetRawResponse();
        var status = (HttpStatusCode)clientError.Status;
        var requestId = redactor.RedactOrNull((raw is null ? null : RequestId(raw)) ?? call.RequestId);
        var attempts = Math.Max(call.Attempts, 1);

        if (clientError.Status is >= 300 and < 400)
        {
            var origin = Origin(raw is null ? null : Header(raw, "Location"), state.Endpoint);
            var key = OpenAIProviderConfiguration.KeyPath(runtime.Name, nameof(OpenAIProviderOptions.Endpoint));
            return new ProviderException(
                $"{who} answered the request for model '{model}' with a redirect (HTTP {clientError.Status}) to " +
                $"{(origin is null ? "no Location" : redactor.Redact(origin))}. Redirects are not followed, so that the API key never goes to " +
                $"another origin: set {key} to the final URL ({EnvironmentVariableNames.Describe(key)})." +
                (requestId is null ? string.Empty : $" Request id: {requestId}."),
                runtime.Name, status, "redirect", requestId)
            { Attempts = attempts };
        }

        var (code, providerMessage) = raw is null ? (null, null) : ReadError(raw);
        var what = providerMessage is null ? $"HTTP {clientError.Status}" : $"HTTP {clientError.Status}: {redactor.Redact(providerMessage)}";
        code = redactor.RedactOrNull(code);
        var details = (code is null ? string.Empty : $" Error code: {code}.") + (requestId is null ? string.Empty : $" Request id: {requestId}.");
        if (status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            return new ProviderAuthException(
                $"{who} rejected the credentials for model '{model}' with {what}.{details} " +
                $"Check the API key ({OpenAIProviderOptions.ApiKeyEnvironmentVariable} or " +
                $"{EnvironmentVariableNames.Describe(OpenAIProviderConfiguration.KeyPath(runtime.Name, nameof(OpenAIProviderOptions.ApiKey)))}), " +
                "the endpoint and the account's access to the model.",
                runtime.Name, status, code, requestId)
            { Attempts = attempts };
        }

        var retried = !OpenAIHttpClientBuilderExtensions.IsTransient(status) ? string.Empty
            : call.RetryStopReason is not null ? $" Made {Attempts(attempts)}; {call.RetryStopReason}."
            : $" Gave up after {Attempts(attempts)}.";
        return new ProviderException(
            $"{who} failed the request for model '{model}' with {what}.{details}{retried}",
            runtime.Name, status, code, requestId)
        { Attempts = attempts };
    }

    private static ProviderException Timeout(Exception exception, ProviderCall call, OpenAIProviderRuntime runtime, string model)
    {
        var state = runtime.State;
        var settings = state.Options;
        var who = $"Provider '{runtime.Name}' ({state.SystemName})";
        var attempts = call.Attempts;
        var attemptKey = OpenAIProviderConfiguration.KeyPath(runtime.Name, nameof(settings.AttemptTimeout));
        var requestKey = OpenAIProviderConfiguration.KeyPath(runtime.Name, nameof(settings.RequestTimeout));
        string which;
        if (call.RequestTimeoutFired is not null)
        {
            which = $"the request timeout ({nameof(settings.RequestTimeout)} {Format(call.RequestTimeoutFired.Value)}) ended the call after {Attempts(attempts)}" +
                    (call.AttemptTimeouts > 0 ? $" ({call.AttemptTimeouts} of them ended by the attempt timeout, {nameof(settings.AttemptTimeout)} {Format(settings.AttemptTimeout)})" : string.Empty);
        }
        else if (call.AttemptTimeouts > 0)
        {
            which = $"the attempt timeout ({nameof(settings.AttemptTimeout)} {Format(call.AttemptTimeout ?? settings.AttemptTimeout)}) ended " +
                    (call.AttemptTimeouts == attempts ? (attempts == 1 ? "the only attempt" : $"each of the {attempts} attempts") : $"{call.AttemptTimeouts} of {Attempts(attempts)}");
        }
        else
        {
            which = $"the SDK's network timeout ({Format(settings.RequestTimeout + TimeSpan.FromSeconds(30))}, {nameof(settings.RequestTimeout)} plus 30 s) " +
                    $"ended the call after {Attempts(attempts)}";
        }

        return new ProviderException(
            $"{who} did not answer the request for model '{model}' in time: {which}. " +
            $"Raise {attemptKey} or {requestKey} if the model needs longer.",
            runtime.Name, statusCode: null, errorCode: "timeout", requestId: state.Redactor.RedactOrNull(call.RequestId),
            SanitizedException.From(exception, state.Redactor))
        { Attempts = attempts };
    }

    private static ProviderException Malformed(
        OpenAIProviderRuntime runtime, string model, int status, string? requestId, string problem, Exception? innerException, ProviderCall call)
    {
        var state = runtime.State;
        return new ProviderException(
            $"Provider '{runtime.Name}' ({state.SystemName}) answered the request for model '{model}' with HTTP {status}, but the reply is not a " +
            $"chat completion: {state.Redactor.Redact(problem)}. Check that {state.Endpoint} is an OpenAI-compatible chat completions endpoint" +
            (requestId is null ? "." : $" (request id {requestId})."),
            runtime.Name, status == 0 ? null : (HttpStatusCode)status, "malformed_response", requestId, innerException)
        { Attempts = call.Attempts };
    }

    /// <summary>Reads <c>error.code</c> (or <c>error.type</c>) and <c>error.message</c> from an error body; nulls when it has none.</summary>
    internal static (string? Code, string? Message) ReadError(PipelineResponse raw)
    {
        BinaryData content;
        try
        {
            content = raw.Content;
        }
        catch (InvalidOperationException)
        {
            return (null, null); // not buffered
        }

        try
        {
            using var document = JsonDocument.Parse(content.ToMemory());
            if (document.RootElement.ValueKind == JsonValueKind.Object &&
                document.RootElement.TryGetProperty("error", out var error))
            {
                if (error.ValueKind == JsonValueKind.String)
                {
                    return (null, error.GetString());
                }

                if (error.ValueKind == JsonValueKind.Object)
                {
                    var code = StringOrNumber(error, "code") ?? StringOrNumber(error, "type");
                    return (code, StringOrNumber(error, "message"));
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON (an HTML error page from a proxy, plain text): quote the start of the raw text below.
        }

        var text = content.ToString().Trim();
        return (null, text.Length == 0 ? null : text.Length > MaxQuotedLength ? text[..MaxQuotedLength] + "..." : text);
    }

    private static string? StringOrNumber(JsonElement element, string property)
    {
        _ = element.TryGetProperty(property, out var value); // an absent property leaves value undefined: null below
        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        };
    }

    private static string? RequestId(PipelineResponse raw) =>
        Header(raw, "x-request-id") ?? Header(raw, "apim-request-id") ?? Header(raw, "x-ms-request-id");

    private static string? Header(PipelineResponse raw, string name)
    {
        _ = raw.Headers.TryGetValue(name, out var value); // null when absent
        return string.IsNullOrEmpty(value) ? null : value;
    }

    /// <summary>The scheme, host and port a Location header points at (never its user information, path or query).</summary>
    private static string? Origin(string? location, Uri endpoint)
    {
        if (string.IsNullOrWhiteSpace(location))
        {
            return null;
        }

        if (!Uri.TryCreate(endpoint, location.Trim(), out var target) || !target.IsAbsoluteUri)
        {
            return null;
        }

        var origin = target.GetLeftPart(UriPartial.Authority);
        var withoutUser = Redactor.WithoutUserInfo(new Uri(origin)).GetLeftPart(UriPartial.Authority);
        var sameOrigin = Uri.Compare(target, endpoint, UriComponents.SchemeAndServer, UriFormat.SafeUnescaped, StringComparison.OrdinalIgnoreCase) == 0;
        return withoutUser + (sameOrigin ? " (the same origin)" : " (another origin)");
    }

    private static string Describe(Exception exception)
    {
        var message = exception.Message;
        for (var inner = exception.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (!message.Contains(inner.Message, StringComparison.Ordinal))
            {
                message += " " + inner.Message;
            }
        }

        return message;
    }

    private static string Attempts(int count) => count == 1 ? "1 attempt" : $"{count.ToString(CultureInfo.InvariantCulture)} attempts";

    private static string Format(TimeSpan span) => span.ToString("c", CultureInfo.InvariantCulture);
}
