namespace Workflows.Tests.Diagnostics;

public sealed class SecretRedactorTests
{
    [Theory]
    [InlineData("key sk-abcdefghijklmnopqrstuvwx end", "key [REDACTED] end")]
    [InlineData("key sk-proj-Ab12Cd34Ef56Gh78Ij90_Kl-Mn end", "key [REDACTED] end")]
    [InlineData("Authorization: Bearer abc.def-ghi_jkl", "Authorization: Bearer [REDACTED]")]
    [InlineData("api-key: a1b2c3d4 next", "api-key: [REDACTED] next")]
    [InlineData("{\"ApiKey\": \"zzz-111\"}", "{\"ApiKey\": \"[REDACTED]\"}")]
    [InlineData("x-api-key=short", "x-api-key=[REDACTED]")]
    [InlineData("call failed (api_key=a1b2c3d4) at 10:00", "call failed (api_key=[REDACTED]) at 10:00")]
    [InlineData("<api-key=a1b2c3d4>", "<api-key=[REDACTED]>")]
    [InlineData("[api-key: a1b2c3d4]", "[api-key: [REDACTED]]")]
    [InlineData("The key was api-key=a1b2c3d4.", "The key was api-key=[REDACTED].")]
    [InlineData("api-key=a.b.c.d", "api-key=[REDACTED]")]
    [InlineData("Sent Bearer abc.def-ghi_jkl.", "Sent Bearer [REDACTED].")]
    [InlineData("Bearer abc.def.ghi==", "Bearer [REDACTED]")]
    [InlineData("azure 0123456789ABCDEF0123456789abcdef.", "azure [REDACTED].")]
    public void Redact_KeyPatterns_AreMasked(string text, string expected) =>
        Assert.Equal(expected, SecretRedactor.PatternsOnly.Redact(text));

    [Theory]
    [InlineData("the bearer token was rejected")]
    [InlineData("sk-learn is a library")]
    [InlineData("model gpt-4o-mini-2024-07-18 answered in 812 ms")]
    [InlineData("GenAiWorkflows:Providers:openai:ApiKey is missing")]
    [InlineData("run 5f0c6a0e-8a4b-4c55-9d9e-2a3b4c5d6e7f finished")]
    [InlineData("hash 0123456789abcdef0123456789abcdef0 is longer than a key")]
    public void Redact_OrdinaryText_IsKept(string text) =>
        Assert.Equal(text, SecretRedactor.PatternsOnly.Redact(text));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Redact_NullOrEmpty_IsTheEmptyString(string? text) =>
        Assert.Equal(string.Empty, new SecretRedactor(["configured-secret-1"]).Redact(text));

    [Fact]
    public void Redact_ConfiguredSecret_IsMaskedEvenWhenAllowedAsIdentifier()
    {
        var secret = "0123456789abcdef0123456789abcdef";
        var redactor = new SecretRedactor(["my-configured-key-123", secret, "short", null]);

        var text = redactor.Redact($"keys my-configured-key-123 and {secret}", allowedIdentifiers: [secret]);

        Assert.Equal("keys [REDACTED] and [REDACTED]", text);
        Assert.Equal(2, redactor.KnownSecretCount);
    }

    [Fact]
    public void Redact_AllowedIdentifier_KeepsTraceIdShapedValue()
    {
        const string traceId = "4bf92f3577b34da6a3ce929d0e0e4736";

        Assert.Equal($"correlation {traceId}", SecretRedactor.PatternsOnly.Redact($"correlation {traceId}", allowedIdentifiers: [traceId]));
        Assert.Equal("correlation [REDACTED]", SecretRedactor.PatternsOnly.Redact($"correlation {traceId}"));
    }

    [Theory]
    [InlineData("ApiKey", true)]
    [InlineData("api-key", true)]
    [InlineData("Authorization", true)]
    [InlineData("ClientSecret", true)]
    [InlineData("AccessToken", true)]
    [InlineData("MaxTokens", false)]
    [InlineData("InputTokens", false)]
    [InlineData("CorrelationId", false)]
    public void IsSecretName_Key_ClassifiesSecretNames(string key, bool expected) =>
        Assert.Equal(expected, SecretRedactor.IsSecretName(key));
}
