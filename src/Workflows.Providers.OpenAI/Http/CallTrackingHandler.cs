namespace Workflows.Providers.OpenAI;

/// <summary>
/// The outermost handler of the provider's HttpClient (outside the resilience handler): attaches the current
/// <see cref="ProviderCall"/> (or a new one) to the request and stamps when the call started, so the retry can tell how
/// much of the request timeout is left.
/// </summary>
internal sealed class CallTrackingHandler(TimeProvider timeProvider) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var call = ProviderCall.Current ?? new ProviderCall();
        call.Started(timeProvider.GetTimestamp());
        request.Options.Set(ProviderCall.OptionsKey, call);
        return base.SendAsync(request, cancellationToken);
    }
}
