using System.Text.Json;
using Microsoft.Extensions.AI;
using static Workflows.TelemetryNames;

namespace Workflows;

/// <summary>
/// A guardrail that keeps personal data (<see cref="PiiTypes"/>) away from the model: before every model call it masks
/// each finding in the text of every message as <c>[TYPE]</c> (for example <c>[EMAIL]</c>), or stops the run, as
/// <see cref="PiiRedactionOptions.Action"/> says; with <see cref="PiiRedactionOptions.ScanOutput"/> it treats model
/// responses the same way.
/// </summary>
/// <remarks>
/// Register it with <c>builder.UsePiiRedaction()</c>, with <c>GenAiWorkflows:Safety:Pii:Enabled=true</c>, or without a
/// host with <c>engine.Use(new PiiRedactionMiddleware(options))</c>. Tool results fed back to the model (string or JSON
/// results) are redacted like text; roles and other contents (images, tool calls) are kept as they are. A block ends the run as Failed with <see cref="ErrorKind.GuardrailBlocked"/> before
/// the call is sent. Each check records an <c>apply_guardrail pii</c> span; the detected values never appear in logs,
/// telemetry or errors. In a streamed run the response's text deltas have already been sent when the output is scanned;
/// the redacted (or blocked) response is what the step outputs.
/// </remarks>
public sealed class PiiRedactionMiddleware : WorkflowMiddleware
{
    private readonly PiiDetector _detector;
    private readonly PiiGuardAction _action;
    private readonly bool _scanOutput;

    /// <summary>Initializes a new instance of the <see cref="PiiRedactionMiddleware"/> class.</summary>
    /// <param name="options">The settings, read once; the defaults (redact prompts, every recognizer) when <see langword="null"/>.
    /// <see cref="PiiRedactionOptions.Enabled"/> is not read: a middleware you create always runs.</param>
    /// <exception cref="ArgumentException">A disabled recognizer is not a built-in one, or the action is not defined.</exception>
    public PiiRedactionMiddleware(PiiRedactionOptions? options = null)
    {
        options ??= new PiiRedactionOptions();
        if (!Enum.IsDefined(options.Action))
        {
            throw new ArgumentException($"PII action '{options.Action}' is not defined; use {string.Join(" or ", Enum.GetNames<PiiGuardAction>())}.", nameof(options));
        }

        var detectorOptions = new PiiDetectorOptions();
        foreach (var name in options.DisabledRecognizers)
        {
            detectorOptions.DisabledRecognizers.Add(name);
        }

        _detector = new PiiDetector(detectorOptions);
        _action = options.Action;
        _scanOutput = options.ScanOutput;
    }

    /// <summary>Gets <see langword="true"/>: a guardrail that cannot run must fail the run rather than let text through.</summary>
    public override bool IsCritical => true;

    /// <inheritdoc />
    public override ValueTask<ModelRequest> BeforeLlmCallAsync(MiddlewareContext context, ModelRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(request);
        var redacted = Judge(context, $"prompt of step '{context.StepName}'", Values.TargetPrompt, request.Messages, "The model call was not sent.");
        return ValueTask.FromResult(redacted is null ? request : request with { Messages = redacted });
    }

    /// <inheritdoc />
    public override ValueTask<ChatResponse> AfterLlmCallAsync(
        MiddlewareContext context, ModelRequest request, ChatResponse response, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(response);
        if (!_scanOutput)
        {
            return ValueTask.FromResult(response);
        }

        var messages = Judge(context, $"output of step '{context.StepName}'", Values.TargetOutput, response.Messages, "The response was not passed on.");
        if (messages is null)
        {
            return ValueTask.FromResult(response);
        }

        return ValueTask.FromResult(new ChatResponse([.. messages])
        {
            AdditionalProperties = response.AdditionalProperties,
            ContinuationToken = response.ContinuationToken,
            ConversationId = response.ConversationId,
            CreatedAt = response.CreatedAt,
            FinishReason = response.FinishReason,
            ModelId = response.ModelId,
            ResponseId = response.ResponseId,
            Usage = response.Usage,
        });
    }

    /// <summary>
    /// Scans the messages and reports the decision: <see langword="null"/> when nothing was found, the redacted messages in
    /// Redact mode; throws <see cref="GuardrailBlockedException"/> in Block mode.
    /// </summary>
    private IReadOnlyList<ChatMessage>? Judge(
        MiddlewareContext context, string target, string targetKind, IEnumerable<ChatMessage> messages, string consequence)
    {
        var activity = GuardrailReporter.Start(context, Values.GuardrailPii, targetKind);
        var (redacted, findings, checkedCount) = Scan(messages);
        var decision = findings.Count == 0 ? Values.DecisionAllowed
            : _action == PiiGuardAction.Block ? Values.DecisionBlocked
            : Values.DecisionRedacted;
        GuardrailReporter.Complete(activity, context, Values.GuardrailPii, target, decision, findings, checkedCount);
        if (decision == Values.DecisionBlocked)
        {
            throw Blocked(target, findings, consequence);
        }

        return findings.Count == 0 ? null : redacted;
    }

    private static GuardrailBlockedException Blocked(string target, List<string> findings, string consequence)
    {
        var types = findings.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        return new GuardrailBlockedException(
            Values.GuardrailPii,
            target,
            types,
            $"The PII guardrail found {findings.Count} item(s) of personal data ({string.Join(", ", types)}) in the {target}. {consequence} " +
            "Remove the data from the inputs, or set GenAiWorkflows:Safety:Pii:Action to Redact to mask it instead.");
    }

    /// <summary>Redacts the text contents of the messages; returns the same message instances where nothing was found.</summary>
    private (IReadOnlyList<ChatMessage> Messages, List<string> Findings, int Checked) Scan(IEnumerable<ChatMessage> messages)
    {
        var findings = new List<string>();
        var result = new List<ChatMessage>();
        var checkedCount = 0;
        foreach (var message in messages)
        {
            List<AIContent>? contents = null;
            for (var i = 0; i < message.Contents.Count; i++)
            {
                var toolResult = message.Contents[i] as FunctionResultContent;
                var resultText = toolResult is null ? null : ToolResultText(toolResult);
                if (toolResult is not null && !string.IsNullOrEmpty(resultText))
                {
                    checkedCount++;
                    var inResult = _detector.Detect(resultText);
                    if (inResult.Count == 0)
                    {
                        contents?.Add(toolResult);
                        continue;
                    }

                    findings.AddRange(inResult.Select(static f => f.Type));
                    contents ??= [.. message.Contents.Take(i)];
                    contents.Add(new FunctionResultContent(toolResult.CallId, RedactedToolResult(toolResult, PiiDetector.Redact(resultText, inResult)))
                    {
                        AdditionalProperties = toolResult.AdditionalProperties,
                    });
                    continue;
                }

                var textContent = message.Contents[i] as TextContent;
                var text = textContent?.Text;
                if (textContent is null || string.IsNullOrEmpty(text))
                {
                    contents?.Add(message.Contents[i]);
                    continue;
                }

                checkedCount++;
                var found = _detector.Detect(text);
                if (found.Count == 0)
                {
                    contents?.Add(textContent);
                    continue;
                }

                findings.AddRange(found.Select(static f => f.Type));
                contents ??= [.. message.Contents.Take(i)];
                contents.Add(new TextContent(PiiDetector.Redact(text, found))
                {
                    AdditionalProperties = textContent.AdditionalProperties,
                });
            }

            if (contents is null)
            {
                result.Add(message);
            }
            else
            {
                var copy = message.Clone();
                copy.Contents = contents;
                copy.RawRepresentation = null;   // the provider's own object still holds the unredacted text
                result.Add(copy);
            }
        }

        return (result, findings, checkedCount);
    }

    /// <summary>The text of a tool result the model will read: a string, or the JSON text of a JSON result.</summary>
    private static string? ToolResultText(FunctionResultContent result) => result.Result switch
    {
        string text => text,
        JsonElement { ValueKind: JsonValueKind.String } json => json.GetString(),
        JsonElement { ValueKind: JsonValueKind.Object or JsonValueKind.Array } json => json.GetRawText(),
        _ => null,
    };

    /// <summary>The redacted result in the shape of the original: masks stay inside JSON strings, so JSON stays JSON.</summary>
    private static object RedactedToolResult(FunctionResultContent original, string redacted)
    {
        if (original.Result is JsonElement { ValueKind: JsonValueKind.Object or JsonValueKind.Array })
        {
            try
            {
                using var document = JsonDocument.Parse(redacted);
                return document.RootElement.Clone();
            }
            catch (JsonException)
            {
                return redacted;
            }
        }

        return redacted;
    }
}
