namespace Workflows.Providers.OpenAI.Tests;

/// <summary>
/// Which secrets of a provider are masked in text from the server or the network stack (<see cref="Redactor"/>), and how
/// an exception quoting them is stood in for (<see cref="SanitizedException"/>).
/// </summary>
public sealed class RedactorTests
{
    [Fact]
    public void Redact_ApiKeyOfTheMinimumLength_IsMasked()
    {
        var redactor = new Redactor("k3y-1234", endpoint: null);

        Assert.Equal("Incorrect API key provided: ***.", redactor.Redact("Incorrect API key provided: k3y-1234."));
    }

    [Fact]
    public void Redact_ShortPlaceholderKeyAndPassword_LeaveOrdinaryWordsAlone()
    {
        // 'none' is what a local server that checks no key is usually given: masking it would mangle ordinary words.
        var redactor = new Redactor("none", new Uri("http://me:abc@localhost:8080/v1"));

        Assert.Equal("There is none abc left.", redactor.Redact("There is none abc left."));
    }

    [Fact]
    public void Redact_PasswordOfTheMinimumLength_IsMasked()
    {
        var redactor = new Redactor(apiKey: null, new Uri("http://me:wxyz@localhost:8080/v1"));

        Assert.Equal("password *** rejected", redactor.Redact("password wxyz rejected"));
    }

    [Fact]
    public void Redact_KeyWithUrlReservedCharacters_MasksItAlsoUrlEscaped()
    {
        var redactor = new Redactor("sk-a+b/c=d12345", endpoint: null);

        Assert.Equal("GET /v1/models?key=*** and ***", redactor.Redact("GET /v1/models?key=sk-a%2Bb%2Fc%3Dd12345 and sk-a+b/c=d12345"));
    }

    [Fact]
    public void Redact_EscapedPasswordInTheEndpoint_MasksItAlsoUnescaped()
    {
        var redactor = new Redactor(apiKey: null, new Uri("http://user:p%40ss-word@localhost:8080/v1"));

        Assert.Equal("could not log in with *** (sent as ***)", redactor.Redact("could not log in with p@ss-word (sent as p%40ss-word)"));
    }

    [Fact]
    public void Redact_UserInfoWithoutPassword_IsMaskedAsAWhole()
    {
        // A token given as the user name (https://token@host/) is as secret as a password.
        var redactor = new Redactor(apiKey: null, new Uri("http://tok-abcdef123@localhost:8080/v1"));

        Assert.Equal("proxy rejected ***", redactor.Redact("proxy rejected tok-abcdef123"));
    }

    [Fact]
    public void Redact_EmptyUserName_MasksThePassword()
    {
        var redactor = new Redactor(apiKey: null, new Uri("http://:s3cret-pass@localhost:8080/v1"));

        Assert.Equal("password *** rejected", redactor.Redact("password s3cret-pass rejected"));
    }

    [Fact]
    public void Redact_UserInfoContainingThePassword_IsMaskedAsAWhole()
    {
        // Longest first: the whole user information goes before the password inside it, so the user name goes too.
        var redactor = new Redactor(apiKey: null, new Uri("http://admin:hunter2-pass@localhost:8080/v1"));

        Assert.Equal("login *** failed", redactor.Redact("login admin:hunter2-pass failed"));
    }

    [Fact]
    public void Redact_Null_ThrowsArgumentNullException()
    {
        var redactor = new Redactor(ProviderHarness.TestApiKey, endpoint: null);

        Assert.Equal("text", Assert.Throws<ArgumentNullException>(() => redactor.Redact(null!)).ParamName);
        Assert.Null(redactor.RedactOrNull(null));
    }

    [Fact]
    public void WithoutUserInfo_EndpointWithUserInfo_KeepsEverythingElse()
    {
        var endpoint = Redactor.WithoutUserInfo(new Uri("http://someone:pw-1234@127.0.0.1:8080/openai/v1?x=1"));

        Assert.Equal("http://127.0.0.1:8080/openai/v1?x=1", endpoint.AbsoluteUri);
        Assert.Equal(string.Empty, endpoint.UserInfo);
    }

    [Fact]
    public void From_ThrownExceptionWithSecrets_RedactsTheMessagesAndKeepsTypeStackTraceAndHResult()
    {
        var redactor = new Redactor(ProviderHarness.TestApiKey, endpoint: null);
        var original = Catch(() => throw new InvalidOperationException(
            $"Bad key {ProviderHarness.TestApiKey}.", new IOException($"echo {ProviderHarness.TestApiKey}") { HResult = 42 }));

        var sanitized = SanitizedException.From(original, redactor);

        Assert.Equal("System.InvalidOperationException: Bad key ***.", sanitized.Message);
        Assert.Equal(typeof(InvalidOperationException), sanitized.OriginalType);
        Assert.Equal(original.HResult, sanitized.HResult);
        Assert.NotNull(original.StackTrace);
        Assert.Equal(original.StackTrace, sanitized.StackTrace);
        var inner = Assert.IsType<SanitizedException>(sanitized.InnerException);
        Assert.Equal("System.IO.IOException: echo ***", inner.Message);
        Assert.Equal(typeof(IOException), inner.OriginalType);
        Assert.Equal(42, inner.HResult);
        Assert.Null(inner.InnerException);
        Assert.DoesNotContain(ProviderHarness.TestApiKey, sanitized.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void From_AlreadySanitized_ReturnsItAsIs()
    {
        var redactor = new Redactor(ProviderHarness.TestApiKey, endpoint: null);
        var sanitized = SanitizedException.From(new InvalidOperationException("failed"), redactor);

        Assert.Same(sanitized, SanitizedException.From(sanitized, redactor));
        Assert.Equal("System.InvalidOperationException: failed", sanitized.Message);
    }

    [Fact]
    public void From_NullArgument_ThrowsArgumentNullException()
    {
        var redactor = new Redactor(ProviderHarness.TestApiKey, endpoint: null);

        Assert.Equal("original", Assert.Throws<ArgumentNullException>(() => SanitizedException.From(null!, redactor)).ParamName);
        Assert.Equal("redactor", Assert.Throws<ArgumentNullException>(() => SanitizedException.From(new InvalidOperationException(), null!)).ParamName);
    }

    private static Exception Catch(Action action)
    {
        try
        {
            action();
        }
        catch (Exception ex)
        {
            return ex;
        }

        throw new InvalidOperationException("The action did not throw.");
    }
}
