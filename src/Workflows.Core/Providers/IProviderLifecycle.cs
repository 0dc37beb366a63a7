namespace Workflows;

/// <summary>
/// Implemented by a provider (an <c>IChatClient</c>, or a client in its <c>DelegatingChatClient</c> chain) that needs work
/// before its first call or after its last: opening connections, checking credentials, releasing what it acquired.
/// </summary>
/// <remarks>
/// The engine's provider registry finds it with <c>client.GetService&lt;IProviderLifecycle&gt;()</c> (so a wrapped client
/// still gets it) and runs <see cref="InitializeAsync"/> once before first use, also under concurrent first calls, and
/// <see cref="CleanupAsync"/> once at host stop or engine disposal. A client without it needs neither.
/// </remarks>
public interface IProviderLifecycle
{
    /// <summary>Prepares the provider. Called once before its first use.</summary>
    /// <param name="cancellationToken">Cancels the initialization.</param>
    /// <returns>A task that completes when the provider is ready.</returns>
    Task InitializeAsync(CancellationToken cancellationToken = default);

    /// <summary>Releases what <see cref="InitializeAsync"/> acquired. Called once at host stop or engine disposal.</summary>
    /// <param name="cancellationToken">Cancels the cleanup.</param>
    /// <returns>A task that completes when the provider is cleaned up.</returns>
    Task CleanupAsync(CancellationToken cancellationToken = default);
}
