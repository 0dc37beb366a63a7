namespace Workflows.Providers.OpenAI;

/// <summary>A successful HTTP reply that is not a chat completion; translated into a <see cref="ProviderException"/>.</summary>
internal sealed class MalformedReplyException : Exception
{
    public MalformedReplyException()
    {
    }

    public MalformedReplyException(string message)
        : base(message)
    {
    }

    public MalformedReplyException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    public MalformedReplyException(string problem, int status, string? requestId)
        : base(problem)
    {
        Status = status;
        RequestId = requestId;
    }

    /// <summary>Gets the HTTP status of the reply.</summary>
    public int Status { get; }

    /// <summary>Gets the request id of the reply, as sent (not redacted).</summary>
    public string? RequestId { get; }
}
