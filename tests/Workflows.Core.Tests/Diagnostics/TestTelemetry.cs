using Microsoft.Extensions.AI;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Workflows.Tests.Diagnostics;

/// <summary>
/// Collects the library's spans that belong to one trace. ActivitySource listeners are process-wide and tests run in
/// parallel, so each test starts its own root activity and sees only the spans of its own trace.
/// </summary>
internal sealed class ActivityCollector : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly ConcurrentQueue<Activity> _stopped = new();

    public ActivityCollector(ActivityTraceId traceId)
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = static source => source.Name == WorkflowTelemetry.SourceName,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.TraceId == traceId)
                {
                    _stopped.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public IReadOnlyList<Activity> Stopped => [.. _stopped];

    public Activity Single(string displayName) => Assert.Single(Stopped, a => a.DisplayName == displayName);

    public void Dispose() => _listener.Dispose();
}

/// <summary>A provider with a scripted answer that advances a fake clock by its latency, so durations are exact.</summary>
internal sealed class ScriptedProvider(FakeTimeProvider? time = null) : TestChatClient
{
    private int _calls;

    public ScriptedProvider(FakeTimeProvider? time, Uri? endpoint)
        : this(time)
    {
        ProviderUri = endpoint;
    }

    public TimeSpan Latency { get; init; }

    public Exception? Failure { get; init; }

    public UsageDetails? Usage { get; init; } = new() { InputTokenCount = 12, OutputTokenCount = 5, TotalTokenCount = 17 };

    public string? ResponseModel { get; init; }

    public string Content { get; init; } = "scripted answer";

    public int Calls => Volatile.Read(ref _calls);

    public override object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceType == typeof(ChatClientMetadata) && serviceKey is null
            ? new ChatClientMetadata("openai", ProviderUri, DefaultModelId)
            : base.GetService(serviceType, serviceKey);

    protected override Task<ChatResponse> RespondAsync(IReadOnlyList<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        time?.Advance(Latency);
        if (Failure is not null)
        {
            throw Failure;
        }

        return Task.FromResult(Reply(Content, ResponseModel ?? options?.ModelId, Usage));
    }
}

internal static class TestEngines
{
    public const string ProviderName = "default";

    /// <summary>Creates an engine over one provider with the internal constructor that takes a meter factory.</summary>
    public static WorkflowEngine Create(
        IChatClient provider,
        IMeterFactory? meterFactory = null,
        TimeProvider? timeProvider = null,
        GenAiWorkflowOptions? options = null,
        ILoggerFactory? loggerFactory = null)
    {
        options ??= new GenAiWorkflowOptions();
        options.DefaultProvider = ProviderName;
        var registry = new ProviderRegistry().Register(ProviderName, provider);
        return new WorkflowEngine(
            registry, options, ownsProviders: true, loggerFactory: loggerFactory, timeProvider: timeProvider, meterFactory: meterFactory);
    }

    /// <summary>A real <see cref="IMeterFactory"/>, as a host registers it; <c>MetricCollector</c> sees only its meters.</summary>
    public static ServiceProvider CreateMeterServices() => new ServiceCollection().AddMetrics().BuildServiceProvider();

    /// <summary>A name no other test uses, so process-wide telemetry can be told apart.</summary>
    public static string UniqueName(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    public static Activity StartRootActivity() =>
        new Activity("test-root") { ActivityTraceFlags = ActivityTraceFlags.Recorded }.SetIdFormat(ActivityIdFormat.W3C).Start();
}
