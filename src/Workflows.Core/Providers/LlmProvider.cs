namespace Workflows;

/// <summary>
/// A source of model completions: OpenAI, Azure OpenAI, a compatible server, the mock, or the user's own.
/// </summary>
/// <remarks>
/// Implementations must be safe to call from many concurrent runs. <see cref="InitializeAsync"/> runs once before
/// first use and <see cref="CleanupAsync"/> once at host stop or engine disposal; both default to doing nothing.
/// </remarks>
public abstract class LlmProvider
{
    /// <summary>
    /// Gets the well-known name of the provider's system, as the OpenTelemetry GenAI conventions spell it
    /// (<c>openai</c>, <c>azure.ai.openai</c>...), used for <c>gen_ai.provider.name</c>.
    /// </summary>
    /// <value>The default value is the type name in lower case.</value>
    public virtual string SystemName => GetType().Name.ToLowerInvariant();

    /// <summary>Gets the server the provider calls, used for <c>server.address</c>/<c>server.port</c>; <see langword="null"/> when none.</summary>
    public virtual Uri? Endpoint => null;

    /// <summary>
    /// Gets whether the provider already records the OpenTelemetry GenAI client spans and metrics itself (for example an
    /// <c>IChatClient</c> built with <c>UseOpenTelemetry()</c>), so the engine must not record them a second time.
    /// </summary>
    internal virtual bool RecordsGenAiTelemetry => false;

    /// <summary>Completes a request.</summary>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The model's response.</returns>
    /// <exception cref="ProviderException">The provider failed; <see cref="ProviderAuthException"/> for rejected credentials.</exception>
    public abstract Task<LlmResponse> CompleteAsync(LlmRequest request, CancellationToken cancellationToken = default);

    /// <summary>Completes a request synchronously.</summary>
    /// <param name="request">The request.</param>
    /// <returns>The model's response.</returns>
    /// <remarks>
    /// The default runs <see cref="CompleteAsync"/> on the thread pool and waits, so it cannot deadlock under a
    /// <see cref="SynchronizationContext"/>. Override it when the provider has a truly synchronous path.
    /// </remarks>
    public virtual LlmResponse Complete(LlmRequest request) =>
        Task.Run(() => CompleteAsync(request, CancellationToken.None)).GetAwaiter().GetResult();

    /// <summary>Prepares the provider (connections, credentials check). Called once before first use.</summary>
    /// <param name="cancellationToken">Cancels the initialization.</param>
    /// <returns>A task that completes when the provider is ready.</returns>
    public virtual Task InitializeAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    /// <summary>Releases what <see cref="InitializeAsync"/> acquired. Called once at host stop or engine disposal.</summary>
    /// <param name="cancellationToken">Cancels the cleanup.</param>
    /// <returns>A task that completes when the provider is cleaned up.</returns>
    public virtual Task CleanupAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;
}
