using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;

namespace Workflows;

/// <summary>
/// A deterministic in-process <see cref="IChatClient"/> for development and tests: canned responses by exact prompt or by
/// pattern, refusals, tool calls, a fallback, simulated token usage counted from the text, simulated latency, scripted
/// failures and streaming. It is the built-in <c>mock</c> provider, and works outside workflows like any chat client.
/// </summary>
/// <remarks>
/// Configure it before use; it is safe to call from many concurrent runs. Responses are matched against the prompt (the
/// text of the last user message): exact matches first, then patterns (responses, refusals and tool calls) in the order they
/// were added, then the fallback. A pattern response may use regular expression substitutions such as <c>$1</c> or
/// <c>${name}</c> for the captured groups. A streamed call yields the same answer word by word, then a last update with the
/// finish reason and the usage.
/// </remarks>
public sealed class MockChatClient : IChatClient
{
    /// <summary>The name the mock is registered under by default.</summary>
    public const string DefaultName = "mock";

    private static readonly TimeSpan PatternTimeout = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, string> _exactResponses = new(StringComparer.Ordinal);
    private readonly List<PatternRule> _patternRules = [];
    private readonly Dictionary<int, Exception> _scriptedFailures = [];
    private readonly List<MockChatCall> _calls = [];
    private readonly TimeProvider _timeProvider;
    private readonly ChatClientMetadata _metadata = new(DefaultName);
    private Func<IReadOnlyList<ChatMessage>, string> _fallback = static messages => $"Mock response to: {ChatMessages.LastUserText(messages)}";
    private TimeSpan _latency;
    private bool _reportsUsage = true;
    private int _callCount;

    /// <summary>Initializes a new instance of the <see cref="MockChatClient"/> class.</summary>
    /// <param name="timeProvider">The clock used for simulated latency; the system clock when <see langword="null"/>.</param>
    public MockChatClient(TimeProvider? timeProvider = null)
    {
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Gets how many calls the mock has received (including failed ones).</summary>
    public int CallCount => Volatile.Read(ref _callCount);

    /// <summary>Gets a snapshot of the calls received, in arrival order.</summary>
    public IReadOnlyList<MockChatCall> Calls
    {
        get
        {
            lock (_gate)
            {
                return [.. _calls];
            }
        }
    }

    /// <summary>Answers a prompt that equals <paramref name="prompt"/> exactly with <paramref name="response"/>.</summary>
    /// <param name="prompt">The exact prompt text.</param>
    /// <param name="response">The answer.</param>
    /// <returns>This mock, for chaining.</returns>
    public MockChatClient WithResponse(string prompt, string response)
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
    public MockChatClient WithPatternResponse(string pattern, string response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return AddRule(new PatternRule(Compile(pattern), PatternKind.Text, response, null));
    }

    /// <summary>
    /// Refuses prompts matching a regular expression the way OpenAI reports a refusal: no text, an
    /// <see cref="ErrorContent"/> with the error code <c>Refusal</c> and the refusal message.
    /// </summary>
    /// <param name="pattern">The regular expression, matched anywhere in the prompt.</param>
    /// <param name="refusal">The refusal message.</param>
    /// <returns>This mock, for chaining.</returns>
    public MockChatClient WithRefusal(string pattern, string refusal)
    {
        ArgumentNullException.ThrowIfNull(refusal);
        return AddRule(new PatternRule(Compile(pattern), PatternKind.Refusal, refusal, null));
    }

    /// <summary>
    /// Answers prompts matching a regular expression with a call to the tool <paramref name="toolName"/>, as long as the
    /// conversation holds no result of a call to that tool yet; once it does, the prompt is answered as if this rule did not exist.
    /// </summary>
    /// <param name="pattern">The regular expression, matched anywhere in the prompt.</param>
    /// <param name="toolName">The function to call.</param>
    /// <param name="arguments">The call's arguments; none when <see langword="null"/>.</param>
    /// <returns>This mock, for chaining.</returns>
    public MockChatClient WithToolCall(string pattern, string toolName, IReadOnlyDictionary<string, object?>? arguments = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(toolName);
        return AddRule(new PatternRule(Compile(pattern), PatternKind.ToolCall, toolName, arguments));
    }

    /// <summary>Sets the answer for prompts that match nothing else.</summary>
    /// <param name="response">The answer.</param>
    /// <returns>This mock, for chaining.</returns>
    /// <remarks>Without it the mock answers <c>Mock response to: {prompt}</c>.</remarks>
    public MockChatClient WithFallback(string response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return WithFallback(_ => response);
    }

    /// <summary>Sets a function that answers conversations matching nothing else.</summary>
    /// <param name="responder">Builds the answer from the messages.</param>
    /// <returns>This mock, for chaining.</returns>
    public MockChatClient WithFallback(Func<IReadOnlyList<ChatMessage>, string> responder)
    {
        ArgumentNullException.ThrowIfNull(responder);
        lock (_gate)
        {
            _fallback = responder;
        }

        return this;
    }

    /// <summary>Delays every answer (a streamed one before its first update) by <paramref name="latency"/>, on the mock's clock; cancellable.</summary>
    /// <param name="latency">The delay; zero for none.</param>
    /// <returns>This mock, for chaining.</returns>
    public MockChatClient WithLatency(TimeSpan latency)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(latency, TimeSpan.Zero);
        lock (_gate)
        {
            _latency = latency;
        }

        return this;
    }

    /// <summary>Stops reporting token usage, like a server that sends none; results then show the counts as unknown.</summary>
    /// <returns>This mock, for chaining.</returns>
    public MockChatClient WithoutUsage()
    {
        lock (_gate)
        {
            _reportsUsage = false;
        }

        return this;
    }

    /// <summary>Makes the <paramref name="callNumber"/>-th call (1-based, counted across all runs) throw.</summary>
    /// <param name="callNumber">The call that fails, from 1.</param>
    /// <param name="exception">What to throw; a <see cref="ProviderException"/> when <see langword="null"/>.</param>
    /// <returns>This mock, for chaining.</returns>
    public MockChatClient FailOnCall(int callNumber, Exception? exception = null)
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
    public async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var conversation = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        cancellationToken.ThrowIfCancellationRequested();
        var (failure, latency, reportsUsage) = Register(conversation, options, streamed: false);
        if (latency > TimeSpan.Zero)
        {
            await Task.Delay(latency, _timeProvider, cancellationToken).ConfigureAwait(false);
        }

        if (failure is not null)
        {
            throw failure;
        }

        var message = Answer(conversation);
        return new ChatResponse(message)
        {
            ResponseId = $"mock-{Guid.NewGuid():N}",
            ModelId = options?.ModelId,
            FinishReason = message.Contents.Any(static c => c is FunctionCallContent) ? ChatFinishReason.ToolCalls : ChatFinishReason.Stop,
            Usage = reportsUsage ? Usage(conversation, message) : null,
            CreatedAt = _timeProvider.GetUtcNow(),
        };
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var conversation = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        cancellationToken.ThrowIfCancellationRequested();
        var (failure, latency, reportsUsage) = Register(conversation, options, streamed: true);
        if (latency > TimeSpan.Zero)
        {
            await Task.Delay(latency, _timeProvider, cancellationToken).ConfigureAwait(false);
        }

        if (failure is not null)
        {
            throw failure;
        }

        var message = Answer(conversation);
        var responseId = $"mock-{Guid.NewGuid():N}";
        var messageId = $"msg-{Guid.NewGuid():N}";
        foreach (var content in message.Contents)
        {
            if (content is TextContent text)
            {
                foreach (var chunk in Chunks(text.Text))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    yield return Update([new TextContent(chunk)]);
                }
            }
            else
            {
                yield return Update([content]);
            }
        }

        var last = Update(reportsUsage ? [new UsageContent(Usage(conversation, message))] : []);
        last.FinishReason = message.Contents.Any(static c => c is FunctionCallContent) ? ChatFinishReason.ToolCalls : ChatFinishReason.Stop;
        yield return last;

        ChatResponseUpdate Update(IList<AIContent> contents) => new(ChatRole.Assistant, contents)
        {
            ResponseId = responseId,
            MessageId = messageId,
            ModelId = options?.ModelId,
            CreatedAt = _timeProvider.GetUtcNow(),
        };
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(ChatClientMetadata) ? _metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <summary>Does nothing: the mock holds no resources.</summary>
    public void Dispose()
    {
    }

    private static Regex Compile(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        return new Regex(pattern, RegexOptions.CultureInvariant | RegexOptions.Singleline, PatternTimeout);
    }

    private static IEnumerable<string> Chunks(string text)
    {
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == ' ' && i > start)
            {
                yield return text[start..i];
                start = i;
            }
        }

        if (start < text.Length)
        {
            yield return text[start..];
        }
    }

    private static UsageDetails Usage(IReadOnlyList<ChatMessage> conversation, ChatMessage answer)
    {
        long input = 0;
        foreach (var message in conversation)
        {
            input += CountTokens(message.Text);
        }

        var output = CountTokens(answer.Text);
        return new UsageDetails { InputTokenCount = input, OutputTokenCount = output, TotalTokenCount = input + output };
    }

    private MockChatClient AddRule(PatternRule rule)
    {
        lock (_gate)
        {
            _patternRules.Add(rule);
        }

        return this;
    }

    private (Exception? Failure, TimeSpan Latency, bool ReportsUsage) Register(IReadOnlyList<ChatMessage> messages, ChatOptions? options, bool streamed)
    {
        lock (_gate)
        {
            var call = ++_callCount;
            _calls.Add(new MockChatCall(messages, options, streamed));
            return (_scriptedFailures.GetValueOrDefault(call), _latency, _reportsUsage);
        }
    }

    private ChatMessage Answer(IReadOnlyList<ChatMessage> messages)
    {
        var prompt = ChatMessages.LastUserText(messages);
        Func<IReadOnlyList<ChatMessage>, string> fallback;
        lock (_gate)
        {
            if (_exactResponses.TryGetValue(prompt, out var exact))
            {
                return new ChatMessage(ChatRole.Assistant, exact);
            }

            foreach (var rule in _patternRules)
            {
                var match = rule.Pattern.Match(prompt);
                if (!match.Success)
                {
                    continue;
                }

                switch (rule.Kind)
                {
                    case PatternKind.Text:
                        return new ChatMessage(ChatRole.Assistant, match.Result(rule.Value));
                    case PatternKind.Refusal:
                        return new ChatMessage(ChatRole.Assistant, [new ErrorContent(rule.Value) { ErrorCode = "Refusal" }]);
                    case PatternKind.ToolCall when !HasResultFor(messages, rule.Value):
                        var arguments = rule.Arguments is null ? null : new Dictionary<string, object?>(rule.Arguments);
                        return new ChatMessage(ChatRole.Assistant, [new FunctionCallContent($"call-{Guid.NewGuid():N}", rule.Value, arguments)]);
                }
            }

            fallback = _fallback;
        }

        return new ChatMessage(ChatRole.Assistant, fallback(messages));
    }

    private static bool HasResultFor(IReadOnlyList<ChatMessage> messages, string toolName)
    {
        var callIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var message in messages)
        {
            foreach (var content in message.Contents)
            {
                if (content is FunctionCallContent call && string.Equals(call.Name, toolName, StringComparison.Ordinal))
                {
                    callIds.Add(call.CallId);
                }
                else if (content is FunctionResultContent result && callIds.Contains(result.CallId))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private enum PatternKind
    {
        Text,
        Refusal,
        ToolCall,
    }

    private sealed record PatternRule(Regex Pattern, PatternKind Kind, string Value, IReadOnlyDictionary<string, object?>? Arguments);
}
