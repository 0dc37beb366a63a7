using Microsoft.Extensions.Logging;

namespace Workflows;

/// <summary>The engine's log events. Event ids 1000-1999 belong to Core; an id is never reused.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1001, EventName = "RunStatusChanged", Level = LogLevel.Information,
        Message = "Workflow {WorkflowName} run {WorkflowId} went from {FromStatus} to {ToStatus} after {DurationMs} ms (correlation {CorrelationId}).")]
    public static partial void RunStatusChanged(
        this ILogger logger, string workflowName, string workflowId, WorkflowStatus fromStatus, WorkflowStatus toStatus, double durationMs, string correlationId);

    [LoggerMessage(EventId = 1002, EventName = "RunEndedWithError", Level = LogLevel.Warning,
        Message = "Workflow {WorkflowName} run {WorkflowId} ended {Status}: {ErrorKind} at step {StepName}: {ErrorMessage}")]
    public static partial void RunEndedWithError(
        this ILogger logger, string workflowName, string workflowId, WorkflowStatus status, ErrorKind errorKind, string? stepName, string errorMessage);

    [LoggerMessage(EventId = 1003, EventName = "StepStarted", Level = LogLevel.Debug,
        Message = "Step {StepName} ({StepType}, path {StepPath}) started.")]
    public static partial void StepStarted(this ILogger logger, string stepName, string stepType, string stepPath);

    [LoggerMessage(EventId = 1004, EventName = "StepCompleted", Level = LogLevel.Debug,
        Message = "Step {StepName} ({StepType}, path {StepPath}) completed in {DurationMs} ms.")]
    public static partial void StepCompleted(this ILogger logger, string stepName, string stepType, string stepPath, double durationMs);

    [LoggerMessage(EventId = 1005, EventName = "StepFailed", Level = LogLevel.Error,
        Message = "Step {StepName} ({StepType}, path {StepPath}, critical: {IsCritical}) failed after {DurationMs} ms.")]
    public static partial void StepFailed(this ILogger logger, Exception exception, string stepName, string stepType, string stepPath, bool isCritical, double durationMs);

    [LoggerMessage(EventId = 1006, EventName = "StepInterrupted", Level = LogLevel.Warning,
        Message = "Step {StepName} ({StepType}, path {StepPath}) was interrupted: {Status} after {DurationMs} ms.")]
    public static partial void StepInterrupted(this ILogger logger, string stepName, string stepType, string stepPath, StepStatus status, double durationMs);

    [LoggerMessage(EventId = 1015, EventName = "BranchFailed", Level = LogLevel.Warning,
        Message = "Step {StepName} ({StepType}, path {StepPath}) failed after {DurationMs} ms because step {FailedStepPath} inside it failed.")]
    public static partial void BranchFailed(this ILogger logger, string stepName, string stepType, string stepPath, string? failedStepPath, double durationMs);

    [LoggerMessage(EventId = 1016, EventName = "RouteSelected", Level = LogLevel.Debug,
        Message = "Route {StepName} (path {StepPath}) took the branch {Route}.")]
    public static partial void RouteSelected(this ILogger logger, string stepName, string stepPath, string route);

    [LoggerMessage(EventId = 1017, EventName = "LoopExhausted", Level = LogLevel.Warning,
        Message = "Loop {StepName} (path {StepPath}) stopped after its maximum of {MaxIterations} iterations without its condition holding.")]
    public static partial void LoopExhausted(this ILogger logger, string stepName, string stepPath, int maxIterations);

    [LoggerMessage(EventId = 1007, EventName = "ModelCallCompleted", Level = LogLevel.Information,
        Message = "Model call of step {StepName} to {ProviderName}: model {Model}, temperature {Temperature}, max tokens {MaxTokens}, " +
                  "latency {LatencyMs} ms, finish reason {FinishReason}, tokens {InputTokens} in / {OutputTokens} out.")]
    public static partial void ModelCallCompleted(
        this ILogger logger, string stepName, string providerName, string model, double? temperature, int? maxTokens,
        double latencyMs, string? finishReason, long? inputTokens, long? outputTokens);

    [LoggerMessage(EventId = 1008, EventName = "ModelCallFailed", Level = LogLevel.Warning,
        Message = "Model call of step {StepName} to {ProviderName} (model {Model}) failed after {LatencyMs} ms.")]
    public static partial void ModelCallFailed(this ILogger logger, Exception exception, string stepName, string providerName, string model, double latencyMs);

    [LoggerMessage(EventId = 1009, EventName = "PromptSent", Level = LogLevel.Trace,
        Message = "Prompt of step {StepName}: {Prompt}")]
    public static partial void PromptSent(this ILogger logger, string stepName, [UserContentData] string prompt);

    [LoggerMessage(EventId = 1010, EventName = "CompletionReceived", Level = LogLevel.Trace,
        Message = "Completion of step {StepName}: {Completion}")]
    public static partial void CompletionReceived(this ILogger logger, string stepName, [UserContentData] string completion);

    [LoggerMessage(EventId = 1011, EventName = "MiddlewareFailed", Level = LogLevel.Warning,
        Message = "Middleware {MiddlewareType} failed in {Hook} during workflow {WorkflowName} (critical: {IsCritical}).")]
    public static partial void MiddlewareFailed(this ILogger logger, Exception exception, string middlewareType, string hook, string workflowName, bool isCritical);

    [LoggerMessage(EventId = 1012, EventName = "BudgetExceeded", Level = LogLevel.Warning,
        Message = "Workflow {WorkflowName} run {WorkflowId} stopped at step {StepName}: {Reason}")]
    public static partial void BudgetExceeded(this ILogger logger, string workflowName, string workflowId, string stepName, string reason);

    [LoggerMessage(EventId = 1013, EventName = "StepRetrying", Level = LogLevel.Information,
        Message = "Step {StepName} attempt {Attempt} starting.")]
    public static partial void StepAttemptStarting(this ILogger logger, string stepName, int attempt);

    [LoggerMessage(EventId = 1014, EventName = "ModelRefused", Level = LogLevel.Warning,
        Message = "The model refused the request of step {StepName} to {ProviderName} (model {Model}).")]
    public static partial void ModelRefused(this ILogger logger, string stepName, string providerName, string model);

    [LoggerMessage(EventId = 1020, EventName = "GuardrailBlocked", Level = LogLevel.Warning,
        Message = "Guardrail {Guardrail} blocked workflow {WorkflowName} run {WorkflowId} at the {Target}: {FindingCount} finding(s) of {FindingTypes}.")]
    public static partial void GuardrailBlocked(
        this ILogger logger, string guardrail, string workflowName, string workflowId, string target, int findingCount, string findingTypes);

    [LoggerMessage(EventId = 1021, EventName = "GuardrailRedacted", Level = LogLevel.Information,
        Message = "Guardrail {Guardrail} redacted {FindingCount} finding(s) of {FindingTypes} in the {Target} (workflow {WorkflowName} run {WorkflowId}).")]
    public static partial void GuardrailRedacted(
        this ILogger logger, string guardrail, string workflowName, string workflowId, string target, int findingCount, string findingTypes);

    [LoggerMessage(EventId = 1022, EventName = "GuardrailWarned", Level = LogLevel.Warning,
        Message = "Guardrail {Guardrail} found {FindingCount} finding(s) of {FindingTypes} in the {Target} (workflow {WorkflowName} run {WorkflowId}); warn only, the run goes on.")]
    public static partial void GuardrailWarned(
        this ILogger logger, string guardrail, string workflowName, string workflowId, string target, int findingCount, string findingTypes);

    [LoggerMessage(EventId = 1023, EventName = "UnusedInputs", Level = LogLevel.Warning,
        Message = "Workflow {WorkflowName} run {WorkflowId} was given inputs that no step reads: {InputNames}.")]
    public static partial void UnusedInputs(this ILogger logger, string workflowName, string workflowId, string inputNames);
}
