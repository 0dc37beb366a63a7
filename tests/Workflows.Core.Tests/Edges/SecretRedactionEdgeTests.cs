namespace Workflows.Tests.Edges;

/// <summary>Configured secrets: overlapping values are masked longest first; the minimum lengths are boundaries.</summary>
public sealed class SecretRedactionEdgeTests
{
    [Fact]
    public void Redact_OverlappingConfiguredSecrets_MasksTheLongestWhole()
    {
        // Given shortest first: masking the short one first would leave the long one's tail ("-tail-999") in the text.
        var redactor = new SecretRedactor(["team-key-0001", "team-key-0001-tail-999"]);

        var text = redactor.Redact("a team-key-0001-tail-999 b team-key-0001 c");

        Assert.Equal("a [REDACTED] b [REDACTED] c", text);
    }

    [Fact]
    public void Redact_SecretContainedInTheMiddleOfAnother_MasksTheLongerWhole()
    {
        var redactor = new SecretRedactor(["inner-secret", "outer-inner-secret-value"]);

        Assert.Equal("x [REDACTED] y", redactor.Redact("x outer-inner-secret-value y"));
    }

    [Fact]
    public void Constructor_ConfiguredSecretOfMinimumLength_IsMaskedAndOneShorterIsNot()
    {
        var atMinimum = new string('q', SecretRedactor.MinimumSecretLength);
        var shorter = new string('w', SecretRedactor.MinimumSecretLength - 1);
        var redactor = new SecretRedactor([atMinimum, shorter]);

        Assert.Equal(8, SecretRedactor.MinimumSecretLength);
        Assert.Equal(1, redactor.KnownSecretCount);
        Assert.Equal($"[REDACTED] and {shorter}", redactor.Redact($"{atMinimum} and {shorter}"));
    }

    [Fact]
    public void Redact_ExtraSecretOfFourCharacters_IsMaskedAndOfThreeIsNot()
    {
        var text = SecretRedactor.PatternsOnly.Redact("pin 4821 code 913 end", extraSecrets: ["4821", "913"]);

        Assert.Equal("pin [REDACTED] code 913 end", text);
    }

    [Fact]
    public void Redact_SameSecretConfiguredTwice_CountsOnce()
    {
        var redactor = new SecretRedactor(["duplicate-key-1", "duplicate-key-1"]);

        Assert.Equal(1, redactor.KnownSecretCount);
        Assert.Equal("[REDACTED]", redactor.Redact("duplicate-key-1"));
    }
}
