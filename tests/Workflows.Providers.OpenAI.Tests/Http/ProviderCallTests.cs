using System.Net;

namespace Workflows.Providers.OpenAI.Tests;

public sealed class ProviderCallTests
{
    [Theory]
    [InlineData("req_openai", "apim_1", "ms_1", "req_openai")]
    [InlineData(null, "apim_1", "ms_1", "apim_1")]
    [InlineData("", "apim_1", "ms_1", "apim_1")]
    [InlineData(null, null, "ms_1", "ms_1")]
    [InlineData(null, "", "ms_1", "ms_1")]
    [InlineData(null, null, null, null)]
    public void Observe_RequestIdHeaders_PrefersXRequestIdThenApimThenXMs(string? xRequestId, string? apimRequestId, string? msRequestId, string? expected)
    {
        using var response = new HttpResponseMessage(HttpStatusCode.OK);
        Add(response, "x-request-id", xRequestId);
        Add(response, "apim-request-id", apimRequestId);
        Add(response, "x-ms-request-id", msRequestId);
        var call = new ProviderCall();

        call.Observe(response);

        Assert.Equal(expected, call.RequestId);
        Assert.Equal(200, call.LastStatus);
    }

    [Fact]
    public void Started_CalledAgain_KeepsWhenTheFirstAttemptStarted()
    {
        var call = new ProviderCall();

        call.Started(100);
        call.Started(250);

        Assert.Equal(100, call.StartedTimestamp);
    }

    [Theory]
    [InlineData("content_filtered", "content_filtered")]
    [InlineData("   ", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void FinishReasonWasReplaced_Original_KeepsOnlyARealValue(string? original, string? expected)
    {
        var call = new ProviderCall();

        call.FinishReasonWasReplaced(original);

        Assert.True(call.FinishReasonReplaced);
        Assert.Equal(expected, call.OriginalFinishReason);
    }

    private static void Add(HttpResponseMessage response, string name, string? value)
    {
        if (value is not null)
        {
            response.Headers.TryAddWithoutValidation(name, value);
        }
    }
}
