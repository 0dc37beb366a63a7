using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Workflows.Samples.WebApi;

/// <summary>
/// <c>POST /workflows/{name}/runs</c>: runs a workflow with the JSON object in the body as its inputs and returns the
/// run's result. Status codes: 200 Completed, 422 Failed, 504 TimedOut, 503 Cancelled (the server is stopping), each
/// with the full result in the body; 404 for an unknown workflow and 400 for a body that is not a JSON object, both as
/// ProblemDetails. A client that disconnects cancels its run. <c>POST /workflows/{name}/runs/stream</c> takes the same
/// body and sends the run's events as Server-Sent Events (<c>run_started</c>, <c>step_started</c>, <c>text_delta</c>,
/// <c>step_completed</c>, <c>run_completed</c> with the same result body as the plain endpoint).
/// </summary>
internal static partial class RunEndpoints
{
    public static IEndpointRouteBuilder MapRunEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/workflows/{name}/runs", RunAsync);
        endpoints.MapPost("/workflows/{name}/runs/stream", StreamAsync);
        return endpoints;
    }

    private static async Task<IResult> StreamAsync(string name, HttpRequest request, IWorkflowEngine engine, CancellationToken cancellationToken)
    {
        var (inputs, problem) = await ReadInputsAsync(request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        IAsyncEnumerable<WorkflowEvent> events;
        try
        {
            // Looks the workflow up before anything is sent, so an unknown name is still a 404.
            events = engine.StreamAsync(name, inputs, new WorkflowRunOptions { CorrelationId = request.Headers["X-Correlation-Id"].FirstOrDefault() }, cancellationToken);
        }
        catch (WorkflowException ex)
        {
            return Results.Problem(title: "Unknown workflow", detail: ex.Message, statusCode: StatusCodes.Status404NotFound,
                extensions: new Dictionary<string, object?> { ["workflow"] = name });
        }

        // cancellationToken is HttpContext.RequestAborted: a client that disconnects stops reading, which cancels the run.
        return TypedResults.ServerSentEvents(ToServerSentEvents(events, cancellationToken));
    }

    private static async IAsyncEnumerable<SseItem<object>> ToServerSentEvents(
        IAsyncEnumerable<WorkflowEvent> events, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var e in events.WithCancellation(cancellationToken))
        {
            yield return e switch
            {
                RunStartedEvent started => new SseItem<object>(new { started.WorkflowName, started.WorkflowId, started.CorrelationId }, "run_started"),
                StepStartedEvent step => new SseItem<object>(new { step.StepName, step.StepPath, step.StepType }, "step_started"),
                TextDeltaEvent delta => new SseItem<object>(new { delta.StepName, delta.StepPath, delta.Text }, "text_delta"),
                StepCompletedEvent step => new SseItem<object>(StepResponse.From(step.Result), "step_completed"),
                RunCompletedEvent done => new SseItem<object>(RunResponse.From(done.Result), "run_completed"),
                _ => new SseItem<object>(new { Type = e.GetType().Name }, "event"),
            };
        }
    }

    private static async Task<IResult> RunAsync(
        string name, HttpRequest request, IWorkflowEngine engine, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        // cancellationToken is HttpContext.RequestAborted: it fires when the client disconnects.
        var logger = loggers.CreateLogger("Workflows.Samples.WebApi.Runs");
        var (inputs, problem) = await ReadInputsAsync(request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        WorkflowResult result;
        try
        {
            var correlationId = request.Headers["X-Correlation-Id"].FirstOrDefault();
            result = await engine.ExecuteAsync(name, inputs, new WorkflowRunOptions { CorrelationId = correlationId }, cancellationToken);
        }
        catch (WorkflowException ex)
        {
            // The only thing a run throws for: no workflow has that name (the message lists the registered ones).
            return Results.Problem(title: "Unknown workflow", detail: ex.Message, statusCode: StatusCodes.Status404NotFound,
                extensions: new Dictionary<string, object?> { ["workflow"] = name });
        }

        LogRunEnded(logger, result.WorkflowName, result.WorkflowId, result.Status, request.HttpContext.RequestAborted.IsCancellationRequested);
        if (request.HttpContext.RequestAborted.IsCancellationRequested)
        {
            return Results.Empty; // the client is gone: nothing can be delivered
        }

        request.HttpContext.Response.Headers["X-Correlation-Id"] = result.CorrelationId;
        return Results.Json(RunResponse.From(result), statusCode: StatusCodeOf(result.Status));
    }

    internal static int StatusCodeOf(WorkflowStatus status) => status switch
    {
        WorkflowStatus.Completed => StatusCodes.Status200OK,
        WorkflowStatus.Failed => StatusCodes.Status422UnprocessableEntity,
        WorkflowStatus.TimedOut => StatusCodes.Status504GatewayTimeout,
        WorkflowStatus.Cancelled => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status500InternalServerError,
    };

    private static async Task<(Dictionary<string, object?> Inputs, IResult? Problem)> ReadInputsAsync(
        HttpRequest request, CancellationToken cancellationToken)
    {
        var inputs = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (!request.HasJsonContentType())
        {
            return (inputs, BadRequest(
                "Unsupported content type",
                $"Send the inputs as a JSON object with 'Content-Type: application/json'; the request has " +
                $"{(string.IsNullOrEmpty(request.ContentType) ? "no content type" : $"'{request.ContentType}'")}."));
        }

        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
        }
        catch (JsonException ex)
        {
            return (inputs, BadRequest("Invalid JSON", $"The body is not valid JSON: {ex.Message}"));
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (inputs, BadRequest(
                    "Inputs must be a JSON object",
                    $"The body must be a JSON object of inputs such as {{\"text\": \"...\"}}; it is {Describe(document.RootElement.ValueKind)}."));
            }

            foreach (var property in document.RootElement.EnumerateObject())
            {
                inputs[property.Name] = ToInput(property.Value);
            }
        }

        return (inputs, null);
    }

    /// <summary>
    /// Strings, numbers, booleans and null become .NET values, arrays lists of them (a map step maps over a list; a template
    /// shows one item per line); objects stay JSON text for templates.
    /// </summary>
    private static object? ToInput(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Array => value.EnumerateArray().Select(ToInput).ToList(),
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number when value.TryGetInt64(out var whole) => whole,
        JsonValueKind.Number => value.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Null => null,
        _ => value.GetRawText(),
    };

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => kind.ToString(),
    };

    private static IResult BadRequest(string title, string detail) =>
        Results.Problem(title: title, detail: detail, statusCode: StatusCodes.Status400BadRequest);

    [LoggerMessage(EventId = 5001, EventName = "RunEnded", Level = LogLevel.Information,
        Message = "Run {WorkflowId} of {WorkflowName} ended {Status} (client disconnected: {ClientDisconnected}).")]
    private static partial void LogRunEnded(ILogger logger, string workflowName, string workflowId, WorkflowStatus status, bool clientDisconnected);
}
