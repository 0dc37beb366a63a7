using System.Net;

namespace Workflows.Providers.OpenAI.Tests;

public sealed class AttemptHandlerTests
{
    [Fact]
    public async Task SendAsync_BodyCannotBeRead_DisposesTheResponseAndThrows()
    {
        // A body that fails mid-read (a reset connection): the response is disposed at once, not left to the garbage collector.
        var content = new FailingContent();
        using var invoker = new HttpMessageInvoker(new AttemptHandler { InnerHandler = new StubHandler(new HttpResponseMessage(HttpStatusCode.OK) { Content = content }) });
        var call = new ProviderCall();
        using var request = new HttpRequestMessage(HttpMethod.Post, "http://127.0.0.1/v1/chat/completions");
        request.Options.Set(ProviderCall.OptionsKey, call);

        // Reading the body wraps the failure as an HttpRequestException, which the retry treats as a failed connection.
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => invoker.SendAsync(request, CancellationToken.None));

        Assert.IsType<IOException>(error.InnerException);
        Assert.True(content.Disposed);
        Assert.Equal(1, call.Attempts);
        Assert.Equal(200, call.LastStatus);
    }

    private sealed class StubHandler(HttpResponseMessage response) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(response);
    }

    private sealed class FailingContent : HttpContent
    {
        public bool Disposed { get; private set; }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            throw new IOException("The connection was reset.");

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            base.Dispose(disposing);
        }
    }
}
