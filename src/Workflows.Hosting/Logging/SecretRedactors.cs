using Microsoft.Extensions.Compliance.Redaction;

namespace Workflows.Hosting;

/// <summary>
/// The Microsoft.Extensions.Compliance redactor of <see cref="WorkflowsDataClassification.UserContent"/>: masks configured
/// secrets and key shapes inside the text and keeps the rest.
/// </summary>
internal sealed class SecretMaskingRedactor(LogRedactor redactor) : Redactor
{
    public override int GetRedactedLength(ReadOnlySpan<char> input) => redactor.Redact(input.ToString()).Length;

    public override int Redact(ReadOnlySpan<char> source, Span<char> destination)
    {
        var redacted = redactor.Redact(source.ToString());
        redacted.AsSpan().CopyTo(destination);
        return redacted.Length;
    }
}

/// <summary>The redactor of <see cref="WorkflowsDataClassification.Secret"/>: the whole value becomes <see cref="SecretRedactor.Mask"/>.</summary>
internal sealed class SecretMaskRedactor : Redactor
{
    public override int GetRedactedLength(ReadOnlySpan<char> input) => SecretRedactor.Mask.Length;

    public override int Redact(ReadOnlySpan<char> source, Span<char> destination)
    {
        SecretRedactor.Mask.AsSpan().CopyTo(destination);
        return SecretRedactor.Mask.Length;
    }
}
