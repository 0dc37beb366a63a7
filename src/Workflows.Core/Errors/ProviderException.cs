using System.Net;

namespace Workflows;

/// <summary>
/// A model provider failed to complete a request: the server answered with an error, the reply could not be read,
/// or the call could not be made.
/// </summary>
public class ProviderException : FrameworkException
{
    /// <summary>Initializes a new instance of the <see cref="ProviderException"/> class.</summary>
    public ProviderException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ProviderException"/> class with a message.</summary>
    /// <param name="message">What went wrong and how to fix it.</param>
    public ProviderException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ProviderException"/> class with a message and a cause.</summary>
    /// <param name="message">What went wrong and how to fix it.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public ProviderException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ProviderException"/> class with the provider's details.</summary>
    /// <param name="message">What went wrong and how to fix it.</param>
    /// <param name="providerName">The registered name of the provider that failed.</param>
    /// <param name="statusCode">The HTTP status code of the reply, when there was one.</param>
    /// <param name="errorCode">The provider's own error code (for example <c>rate_limit_exceeded</c>), when it sent one.</param>
    /// <param name="requestId">The provider's request id, to quote to its support.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public ProviderException(
        string message,
        string? providerName,
        HttpStatusCode? statusCode = null,
        string? errorCode = null,
        string? requestId = null,
        Exception? innerException = null)
        : base(message, innerException)
    {
        ProviderName = providerName;
        StatusCode = statusCode;
        ErrorCode = errorCode;
        RequestId = requestId;
    }

    /// <summary>Gets the registered name of the provider that failed.</summary>
    public string? ProviderName { get; }

    /// <summary>Gets the HTTP status code of the reply, when there was one.</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>Gets the provider's own error code, when it sent one.</summary>
    public string? ErrorCode { get; }

    /// <summary>Gets the provider's request id, when it sent one.</summary>
    public string? RequestId { get; }

    /// <summary>
    /// Gets the number of HTTP attempts the provider actually made before it gave up (0 when the request was rejected
    /// before anything was sent), or <see langword="null"/> when the provider does not count them.
    /// </summary>
    public int? Attempts { get; init; }
}
