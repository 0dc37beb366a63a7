using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Workflows;

/// <summary>
/// A deterministic in-process provider for development and tests: canned responses by exact prompt or by pattern,
/// a fallback, simulated token usage counted from the text, optional simulated latency and scripted failures.
/// </summary>
/// <remarks>
/// Configure it before use; it is safe to call from many concurrent runs. Responses are matched against the
/// request's <see cref="LlmRequest.Prompt"/> (its last user message): exact matches first, then patterns in the
/// order they were added, then the fallback. A pattern response may use regular expression substitutions such as
/// <c>$1</c> or <c>${name}</c> for the captured groups.
/// </remarks>
public sealed class MockLlmProvider : LlmProvider
{
    /// <summary>The name the mock is registered under by default.</summary>
    public const string DefaultName = "mock";

    private static readonly TimeSpan PatternTimeout = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, string> _exactResponses = new(StringComparer.Ordinal);
    private readonly List<(Regex Pattern, string Response)> _patternResponses = [];
    private readonly Dictionary<int, Exception> _scriptedFailures = [];
    private readonly List<LlmRequest> _requests = [];
    private readonly TimeProvider _timeProvider;
    private Func<LlmRequest, string> _fallback = static request => $"Mock response to: {request.Prompt}";
    private TimeSpan _latency;
    private int _callCount;

    /// <summary>Initializes a new instance of the <see cref="MockLlmProvider"/> class.</summary>
    /// <param name="timeProvider">The clock used for simulated latency; the system clock when <see langword="null"/>.</param>
    public MockLlmProvider(TimeProvider? timeProvider = null)
    {
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public override string SystemName => "mock";

    /// <summary>Gets how many calls the mock has received (including failed ones).</summary>
    public int CallCount => Volatile.Read(ref _callCount);

    /// <summary>Gets a snapshot of the requests received, in arrival order.</summary>
    public IReadOnlyList<LlmRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Answers a prompt that equals <paramref name="prompt"/> exactly with <paramref name="response"/>.</summary>
    /// <param name="prompt">The exact prompt text.</param>
    /// <param name="response">The answer.</param>
    /// <returns>This mock, for chaining.</returns>
    public MockLlmProvider WithResponse(string prompt, string response)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(response);
        lock (_gate)
        {
            _exactResponses[prompt] = response;
        }

        return this;
    }

    /// <summary>Answers prompts matching a regular expression; <paramref name="response"/> may use <c>$1</c>-style substitutions.</summary>
    /// <param name="pattern">The regular expression, matched anywhere in the prompt (anchor it for whole-prompt matches).</param>
    /// <param name="response">The answer, with optional group substitutions.</param>
    /// <returns>This mock, for chaining.</returns>
    /// <exception cref="ArgumentException">The pattern is not a valid regular expression.</exception>
    public MockLlmProvider WithPatternResponse(string pattern, string response)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(response);
        var regex = new Regex(pattern, RegexOptions.CultureInvariant | RegexOptions.Singleline, PatternTimeout);
        lock (_gate)
        {
            _patternResponses.Add((regex, response));
        }

        return this;
    }

    /// <summary>Sets the answer for prompts that match nothing else.</summary>
    /// <param name="response">The answer.</param>
    /// <returns>This mock, for chaining.</returns>
    /// <remarks>Without it the mock answers <c>Mock response to: {prompt}</c>.</remarks>
    public MockLlmProvider WithFallback(string response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return WithFallback(_ => response);
    }

    /// <summary>Sets a function that answers prompts matching nothing else.</summary>
    /// <param name="responder">Builds the answer from the request.</param>
    /// <returns>This mock, for chaining.</returns>
    public MockLlmProvider WithFallback(Func<LlmRequest, string> responder)
    {
        ArgumentNullException.ThrowIfNull(responder);
        lock (_gate)
        {
            _fallback = responder;
        }

        return this;
    }

    /// <summary>Delays every answer by <paramref name="latency"/> (measured on the mock's <see cref="TimeProvider"/>; cancellable).</summary>
    /// <param name="latency">The delay; zero for none.</param>
    /// <returns>This mock, for chaining.</returns>
    public MockLlmProvider WithLatency(TimeSpan latency)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(latency, TimeSpan.Zero);
        lock (_gate)
        {
            _latency = latency;
        }

        return this;
    }

    /// <summary>Makes the <paramref name="callNumber"/>-th call (1-based, counted across all runs) throw.</summary>
    /// <param name="callNumber">The call that fails, from 1.</param>
    /// <param name="exception">What to throw; a <see cref="ProviderException"/> when <see langword="null"/>.</param>
    /// <returns>This mock, for chaining.</returns>
    public MockLlmProvider FailOnCall(int callNumber, Exception? exception = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(callNumber, 1);
        lock (_gate)
        {
            _scriptedFailures[callNumber] = exception ?? new ProviderException(
                $"The mock provider failed call {callNumber} as scripted by FailOnCall({callNumber}).",
                DefaultName);
        }

        return this;
    }

    /// <summary>Counts tokens the way the mock simulates them: about one token per four characters, at least one for non-empty text.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The simulated token count.</returns>
    public static long CountTokens(string? text) => string.IsNullOrEmpty(text) ? 0 : (text.Length + 3) / 4;

    /// <inheritdoc />
    public override async Task<LlmResponse> CompleteAsync(LlmRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        var started = Stopwatch.GetTimestamp();
        var (failure, latency) = Register(request);
        if (latency > TimeSpan.Zero)
        {
            await Task.Delay(latency, _timeProvider, cancellationToken).ConfigureAwait(false);
        }

        if (failure is not null)
        {
            throw failure;
        }

        return Answer(request, Stopwatch.GetElapsedTime(started));
    }

    /// <inheritdoc />
    public override LlmResponse Complete(LlmRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var started = Stopwatch.GetTimestamp();
        var (failure, latency) = Register(request);
        if (latency > TimeSpan.Zero)
        {
            using var done = new ManualResetEventSlim();
            using var timer = _timeProvider.CreateTimer(static state => ((ManualResetEventSlim)state!).Set(), done, latency, Timeout.InfiniteTimeSpan);
            done.Wait();
        }

        if (failure is not null)
        {
            throw failure;
        }

        return Answer(request, Stopwatch.GetElapsedTime(started));
    }

    private (Exception? Failure, TimeSpan Latency) Register(LlmRequest request)
    {
        lock (_gate)
        {
            var call = ++_callCount;
            _requests.Add(request);
            return (_scriptedFailures.GetValueOrDefault(call), _latency);
        }
    }

    private LlmResponse Answer(LlmRequest request, TimeSpan latency)
    {
        var content = Respond(request);
        long input = 0;
        foreach (var message in request.Messages)
        {
            input += CountTokens(message.Content);
        }

        return new LlmResponse(content)
        {
            Usage = TokenUsage.From(input, CountTokens(content)),
            Model = request.Model,
            FinishReason = "stop",
            ResponseId = $"mock-{Guid.NewGuid():N}",
            Latency = latency,
        };
    }

    private string Respond(LlmRequest request)
    {
        var prompt = request.Prompt;
        Func<LlmRequest, string> fallback;
        lock (_gate)
        {
            if (_exactResponses.TryGetValue(prompt, out var exact))
            {
                return exact;
            }

            foreach (var (pattern, response) in _patternResponses)
            {
                var match = pattern.Match(prompt);
                if (match.Success)
                {
                    return match.Result(response);
                }
            }

            fallback = _fallback;
        }

        return fallback(request);
    }
}
