using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Workflows.Providers.OpenAI;

/// <summary>
/// The outer stage of the provider's chat client and the one place its faults are translated: everything a call throws
/// (also while a stream is enumerated) leaves as a <see cref="ProviderException"/> or <see cref="ProviderAuthException"/>
/// with the real number of attempts and no secret in it (<see cref="ProviderFailure"/>); caller cancellation stays an
/// <see cref="OperationCanceledException"/>. It also logs each call (event ids 3001-3004) and is the provider's
/// <see cref="IProviderLifecycle"/>.
/// </summary>
internal sealed class ProviderErrorsChatClient(IChatClient innerClient, OpenAIProviderRuntime runtime) : DelegatingChatClient(innerClient), IProviderLifecycle
{
    private ILogger Logger => runtime.Logger;

    /// <inheritdoc />
    public Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        var state = runtime.State; // reads and checks the settings now, after the options were validated on start
        Logger.ProviderInitialized(runtime.Name, state.SystemName, state.Endpoint, state.Options.MaxAttempts, state.Options.AttemptTimeout, state.Options.RequestTimeout);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task CleanupAsync(CancellationToken cancellationToken = default)
    {
        InnerClient.GetService<OpenAIModelChatClient>()?.Reset();
        if (runtime.IsStateCreated)
        {
            Logger.ProviderCleanedUp(runtime.Name, runtime.State.SystemName);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<Microsoft.Extensions.AI.ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var call = new ProviderCall();
        ProviderCall.Current = call;
        var model = ModelFor(options);
        LogPrompt(messages, model);
        var started = runtime.TimeProvider.GetTimestamp();
        ChatResponse response;
        try
        {
            response = await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            throw Fail(ex, call, model, started);
        }

        LogCompleted(call, options, model, response.ModelId, FinishReason(response.FinishReason, response.AdditionalProperties), response.Usage, started);
        if (Logger.IsEnabled(LogLevel.Trace))
        {
            Logger.CompletionReceived(runtime.Name, model, runtime.State.Redactor.Redact(response.Text));
        }

        return response;
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<Microsoft.Extensions.AI.ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var call = new ProviderCall { Streaming = true };
        ProviderCall.Current = call; // flows into the first MoveNextAsync below, which sends the request
        string model;
        IAsyncEnumerator<ChatResponseUpdate> updates;
        var started = runtime.TimeProvider.GetTimestamp();
        try
        {
            model = ModelFor(options);
            LogPrompt(messages, model);
            updates = base.GetStreamingResponseAsync(messages, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw Fail(ex, call, options?.ModelId ?? "(none)", started);
        }

        string? responseModel = null;
        string? finishReason = null;
        UsageDetails? usage = null;
        var text = Logger.IsEnabled(LogLevel.Trace) ? new StringBuilder() : null;
        try
        {
            while (true)
            {
                ChatResponseUpdate update;
                try
                {
                    if (!await updates.MoveNextAsync().ConfigureAwait(false))
                    {
                        break;
                    }

                    update = updates.Current;
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    throw;
                }
                catch (Exception ex)
                {
                    throw Fail(ex, call, model, started);
                }

                responseModel ??= update.ModelId;
                finishReason = FinishReason(update.FinishReason, update.AdditionalProperties) ?? finishReason;
                foreach (var content in update.Contents)
                {
                    if (content is UsageContent reported)
                    {
                        (usage ??= new UsageDetails()).Add(reported.Details);
                    }
                }

                text?.Append(update.Text);
                yield return update;
            }
        }
        finally
        {
            await updates.DisposeAsync().ConfigureAwait(false);
        }

        LogCompleted(call, options, model, responseModel, finishReason, usage, started);
        if (text is not null && Logger.IsEnabled(LogLevel.Trace))
        {
            Logger.CompletionReceived(runtime.Name, model, runtime.State.Redactor.Redact(text.ToString()));
        }
    }

    private static string? FinishReason(ChatFinishReason? reason, AdditionalPropertiesDictionary? properties) =>
        properties is not null && properties.TryGetValue(OpenAIModelChatClient.FinishReasonKey, out var original)
            ? original as string
            : reason?.Value;

    private string ModelFor(ChatOptions? options) =>
        !string.IsNullOrWhiteSpace(options?.ModelId) ? options.ModelId
        : runtime.State.Options.DefaultModel is { Length: > 0 } model ? model
        : "(none)";

    private Exception Fail(Exception exception, ProviderCall call, string model, long started)
    {
        if (exception is FrameworkException and not ProviderException || !runtime.IsStateCreated)
        {
            // A configuration error (options validation, no API key, unknown API version): it already says what to fix.
            return exception;
        }

        var error = ProviderFailure.Translate(exception, call, runtime, model);
        if (Logger.IsEnabled(LogLevel.Warning))
        {
            Logger.ChatFailed(
            error, runtime.Name, runtime.State.SystemName, model, runtime.TimeProvider.GetElapsedTime(started).TotalMilliseconds,
            error.StatusCode, error.ErrorCode, error.RequestId);
        }

        return error;
    }

    private void LogPrompt(IEnumerable<Microsoft.Extensions.AI.ChatMessage> messages, string model)
    {
        if (Logger.IsEnabled(LogLevel.Trace))
        {
            Logger.PromptSent(runtime.Name, model, runtime.State.Redactor.Redact(string.Join("\n", messages.Select(static m => $"{m.Role}: {m.Text}"))));
        }
    }

    private void LogCompleted(ProviderCall call, ChatOptions? options, string model, string? responseModel, string? finishReason, UsageDetails? usage, long started)
    {
        if (!Logger.IsEnabled(LogLevel.Debug))
        {
            return;
        }

        var redactor = runtime.State.Redactor;
        string? Header(string name) => call.RateLimitHeaders.TryGetValue(name, out var value) ? redactor.Redact(value) : null;
        Logger.ChatCompleted(
            runtime.Name, runtime.State.SystemName, model, responseModel, options?.Temperature is { } t ? Math.Round((double)t, 4) : null, options?.MaxOutputTokens,
            runtime.TimeProvider.GetElapsedTime(started).TotalMilliseconds, finishReason, usage?.InputTokenCount ?? 0, usage?.OutputTokenCount ?? 0,
            redactor.RedactOrNull(call.RequestId),
            Header("x-ratelimit-remaining-requests"), Header("x-ratelimit-limit-requests"), Header("x-ratelimit-reset-requests"),
            Header("x-ratelimit-remaining-tokens"), Header("x-ratelimit-limit-tokens"), Header("x-ratelimit-reset-tokens"));
    }
}

/// <summary>Adds <see cref="ProviderErrorsChatClient"/> to a <see cref="ChatClientBuilder"/>.</summary>
internal static class ProviderErrorsChatClientBuilderExtensions
{
    /// <summary>Adds the provider's fault translation, call logging and lifecycle around the clients added before it.</summary>
    public static ChatClientBuilder UseProviderErrors(this ChatClientBuilder builder, OpenAIProviderRuntime runtime) =>
        builder.Use(inner => new ProviderErrorsChatClient(inner, runtime));
}
