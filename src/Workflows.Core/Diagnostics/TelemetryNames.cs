namespace Workflows;

/// <summary>
/// Every span, instrument, attribute and value name the library emits, in one place. The <c>gen_ai.*</c>, <c>server.*</c>
/// and <c>error.type</c> names follow the OpenTelemetry GenAI semantic conventions; the library's own names use the
/// <c>workflows.</c> prefix and never a new <c>gen_ai.*</c> name.
/// </summary>
internal static class TelemetryNames
{
    public static class Operations
    {
        public const string InvokeWorkflow = "invoke_workflow";
        public const string Chat = "chat";
        public const string Step = "step";
        public const string ApplyGuardrail = "apply_guardrail";
    }

    public static class Instruments
    {
        public const string TokenUsage = "gen_ai.client.token.usage";
        public const string OperationDuration = "gen_ai.client.operation.duration";
        public const string TimeToFirstChunk = "gen_ai.client.operation.time_to_first_chunk";
        public const string WorkflowDuration = "gen_ai.workflow.duration";
        public const string StepDuration = "workflows.step.duration";
        public const string Runs = "workflows.runs";
        public const string Cost = "workflows.cost";
        public const string GuardrailFindings = "workflows.guardrail.findings";
    }

    public static class Attributes
    {
        public const string OperationName = "gen_ai.operation.name";
        public const string ProviderName = "gen_ai.provider.name";
        public const string RequestModel = "gen_ai.request.model";
        public const string RequestTemperature = "gen_ai.request.temperature";
        public const string RequestMaxTokens = "gen_ai.request.max_tokens";
        public const string RequestTopP = "gen_ai.request.top_p";
        public const string RequestStream = "gen_ai.request.stream";
        public const string OutputType = "gen_ai.output.type";
        public const string ResponseTimeToFirstChunk = "gen_ai.response.time_to_first_chunk";
        public const string ResponseModel = "gen_ai.response.model";
        public const string ResponseId = "gen_ai.response.id";
        public const string ResponseFinishReasons = "gen_ai.response.finish_reasons";
        public const string UsageInputTokens = "gen_ai.usage.input_tokens";
        public const string UsageOutputTokens = "gen_ai.usage.output_tokens";
        public const string UsageCacheReadInputTokens = "gen_ai.usage.cache_read.input_tokens";
        public const string UsageReasoningOutputTokens = "gen_ai.usage.reasoning.output_tokens";
        public const string InputMessages = "gen_ai.input.messages";
        public const string OutputMessages = "gen_ai.output.messages";
        public const string TokenType = "gen_ai.token.type";
        public const string WorkflowName = "gen_ai.workflow.name";
        public const string ServerAddress = "server.address";
        public const string ServerPort = "server.port";
        public const string ErrorType = "error.type";

        public const string WorkflowId = "workflows.workflow.id";
        public const string CorrelationId = "workflows.correlation_id";
        public const string RunStatus = "workflows.run.status";
        public const string StepName = "workflows.step.name";

        /// <summary>The step's branch path (<c>review/pros</c>, <c>summaries[3]</c>): a span attribute only, never a metric tag (unbounded).</summary>
        public const string StepPath = "workflows.step.path";
        public const string StepType = "workflows.step.type";
        public const string RouteSelected = "workflows.route.selected";
        public const string StepStatus = "workflows.step.status";
        public const string Provider = "workflows.provider";
        public const string GuardrailName = "workflows.guardrail.name";
        public const string GuardrailDecision = "workflows.guardrail.decision";
        public const string GuardrailTarget = "workflows.guardrail.target";
        public const string GuardrailFindingTypes = "workflows.guardrail.finding_types";
        public const string GuardrailFindingType = "workflows.guardrail.finding_type";
        public const string GuardrailFindingCount = "workflows.guardrail.finding_count";
        public const string GuardrailCheckedCount = "workflows.guardrail.checked_count";
    }

    public static class Events
    {
        public const string GuardrailResult = "gen_ai.guardrail.result";
    }

    public static class Values
    {
        public const string TokenTypeInput = "input";
        public const string TokenTypeOutput = "output";
        public const string ErrorTimeout = "timeout";
        public const string ErrorCancelled = "cancelled";
        public const string ErrorOther = "_OTHER";
        public const string GuardrailPii = "pii";
        public const string GuardrailPromptInjection = "prompt_injection";
        public const string GuardrailInputValidation = "input_validation";
        public const string DecisionAllowed = "allowed";
        public const string DecisionRedacted = "redacted";
        public const string DecisionBlocked = "blocked";
        public const string DecisionWarned = "warned";
        public const string TargetInput = "input";
        public const string TargetPrompt = "prompt";
        public const string TargetOutput = "output";
        public const string FindingNullValue = "null_value";
        public const string FindingInputTooLong = "input_too_long";
        public const string FindingRunInputTooLong = "run_input_too_long";
        public const string FindingUnusedInput = "unused_input";
    }
}
