namespace Workflows.Providers.OpenAI;

/// <summary>
/// The innermost handler of the provider's HttpClient (inside the retry and the attempt timeout): counts the attempt,
/// records the status, request id and rate-limit headers, and reads a non-streaming body to the end within the attempt,
/// so that a body that stalls is ended by the attempt timeout and a connection reset mid-body is a retried connection
/// failure. A successful body is checked and its finish reasons made readable for the SDK (<see cref="ChatCompletionReply"/>).
/// Streaming (<c>text/event-stream</c>) bodies are never buffered.
/// </summary>
internal sealed class AttemptHandler : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var call = ProviderCall.Of(request);
        call?.AttemptStarted();
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        try
        {
            call?.Observe(response);
            if (ChatCompletionReply.IsEventStream(response))
            {
                if (response.IsSuccessStatusCode)
                {
                    await ChatCompletionReply.NormalizeStreamAsync(response, call, cancellationToken).ConfigureAwait(false);
                }

                return response;
            }

            await response.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                await ChatCompletionReply.NormalizeAsync(response, call, cancellationToken).ConfigureAwait(false);
            }

            return response;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }
}
