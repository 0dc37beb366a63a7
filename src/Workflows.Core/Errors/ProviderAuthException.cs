using System.Net;

namespace Workflows;

/// <summary>
/// A model provider rejected the credentials (HTTP 401 or 403). Retrying does not help: fix the API key,
/// the endpoint or the account's permissions.
/// </summary>
public class ProviderAuthException : ProviderException
{
    /// <summary>Initializes a new instance of the <see cref="ProviderAuthException"/> class.</summary>
    public ProviderAuthException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ProviderAuthException"/> class with a message.</summary>
    /// <param name="message">What went wrong and how to fix it.</param>
    public ProviderAuthException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ProviderAuthException"/> class with a message and a cause.</summary>
    /// <param name="message">What went wrong and how to fix it.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public ProviderAuthException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ProviderAuthException"/> class with the provider's details.</summary>
    /// <param name="message">What went wrong and how to fix it.</param>
    /// <param name="providerName">The registered name of the provider that failed.</param>
    /// <param name="statusCode">The HTTP status code of the reply (401 or 403).</param>
    /// <param name="errorCode">The provider's own error code, when it sent one.</param>
    /// <param name="requestId">The provider's request id, when it sent one.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public ProviderAuthException(
        string message,
        string? providerName,
        HttpStatusCode? statusCode,
        string? errorCode = null,
        string? requestId = null,
        Exception? innerException = null)
        : base(message, providerName, statusCode, errorCode, requestId, innerException)
    {
    }
}
