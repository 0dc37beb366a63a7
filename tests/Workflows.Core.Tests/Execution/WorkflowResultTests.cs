using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Workflows.Tests.TestSupport;

namespace Workflows.Tests.Execution;

public sealed class WorkflowResultTests
{
    public static TheoryData<string> SerializerOptions => ["default", "web"];

    private static JsonSerializerOptions Options(string name) => name == "web" ? JsonSerializerOptions.Web : JsonSerializerOptions.Default;

    private static async Task<WorkflowResult> MixedResultAsync()
    {
        await using var engine = new WorkflowEngine(new MockChatClient().WithResponse("hi", "hello there"));
        var workflow = Workflow.Create("mixed")
            .AddLlmStep("ask", "hi")
            .AddLlmStep("unpriced", "hi", model: "local-model")
            .AddTransformStep("optional", static _ => throw new InvalidOperationException("nope"), isCritical: false)
            .AddTransformStep("count", static ctx => new { Length = ctx.Get<string>("ask")!.Length, Tags = new[] { "a", "b" } })
            .Build();
        return await engine.ExecuteAsync(workflow);
    }

    [Theory]
    [MemberData(nameof(SerializerOptions))]
    public async Task Serialize_CompletedResult_RoundTripsToSameJson(string options)
    {
        var result = await MixedResultAsync();

        var json = JsonSerializer.Serialize(result, Options(options));
        var back = JsonSerializer.Deserialize<WorkflowResult>(json, Options(options))!;
        var again = JsonSerializer.Serialize(back, Options(options));

        Assert.Equal(json, again);
        Assert.Equal(result.WorkflowId, back.WorkflowId);
        Assert.Equal(WorkflowStatus.Completed, back.Status);
        Assert.Equal(result.Metrics.TotalUsage, back.Metrics.TotalUsage);
        Assert.Equal(StepStatus.Failed, back.GetStep("optional")!.Status);
        Assert.Equal(ErrorKind.StepFailed, back.GetStep("optional")!.Error!.Kind);
        Assert.Null(back.GetStep("optional")!.Error!.Exception);
        Assert.Equal(["local-model"], back.Metrics.TotalCost.UnpricedModels);
    }

    [Fact]
    public async Task Serialize_Enums_AreWrittenAsStrings()
    {
        var json = JsonSerializer.Serialize(await MixedResultAsync());

        Assert.Contains("\"Status\":\"Completed\"", json, StringComparison.Ordinal);
        Assert.Contains("\"Status\":\"Failed\"", json, StringComparison.Ordinal);
        Assert.Contains("\"Kind\":\"StepFailed\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("\"Exception\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serialize_TimedOutResult_RoundTripsWithError()
    {
        var time = new FakeTimeProvider();
        await using var engine = new WorkflowEngine(new ProviderRegistry(), timeProvider: time);
        var waiting = new WaitForCancellationStep("wait");
        var run = engine.ExecuteAsync(new Workflow("wf", [waiting]), options: new WorkflowRunOptions { Timeout = TimeSpan.FromSeconds(1) });
        await waiting.Started.Within();
        time.Advance(TimeSpan.FromSeconds(1));
        var result = await run.Within();

        var json = JsonSerializer.Serialize(result);
        var back = JsonSerializer.Deserialize<WorkflowResult>(json)!;

        Assert.Equal(json, JsonSerializer.Serialize(back));
        Assert.Equal(WorkflowStatus.TimedOut, back.Status);
        Assert.Equal(ErrorKind.TimedOut, back.Error!.Kind);
        Assert.Contains("\"Status\":\"TimedOut\"", json, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(typeof(WorkflowResult))]
    [InlineData(typeof(StepResult))]
    [InlineData(typeof(ExecutionMetrics))]
    [InlineData(typeof(StepMetrics))]
    [InlineData(typeof(ErrorInfo))]
    [InlineData(typeof(TokenUsage))]
    [InlineData(typeof(CostEstimate))]
    public void ResultTypes_HaveNoPublicMutableSetters(Type type)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var setter = property.SetMethod;
            if (setter is null || !setter.IsPublic)
            {
                continue;
            }

            var isInit = setter.ReturnParameter.GetRequiredCustomModifiers().Contains(typeof(IsExternalInit));
            Assert.True(isInit, $"{type.Name}.{property.Name} has a public setter.");
        }
    }

    [Fact]
    public async Task Steps_CannotBeModifiedThroughTheCollection()
    {
        var result = await MixedResultAsync();

        Assert.True(((ICollection<StepResult>)result.Steps).IsReadOnly, "WorkflowResult.Steps is a mutable collection.");
        Assert.True(((ICollection<StepMetrics>)result.Metrics.Steps).IsReadOnly, "ExecutionMetrics.Steps is a mutable collection.");
    }

    [Fact]
    public async Task With_CreatesModifiedCopyLeavingOriginal()
    {
        var result = await MixedResultAsync();

        var copy = result with { Status = WorkflowStatus.Failed };

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        Assert.Equal(WorkflowStatus.Failed, copy.Status);
        Assert.Same(result.Steps, copy.Steps);
    }
}
