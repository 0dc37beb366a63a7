using Microsoft.Extensions.Logging;

namespace Workflows;

/// <summary>
/// Settings of the workflow engine, bound from the <c>GenAiWorkflows</c> configuration section
/// (environment variables <c>GenAiWorkflows__Key</c> or <c>GENAI_WORKFLOW_KEY</c>).
/// </summary>
public sealed class GenAiWorkflowOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "GenAiWorkflows";

    /// <summary>The model used when nothing else names one.</summary>
    public const string DefaultModelName = "gpt-4o-mini";

    /// <summary>The temperature used when nothing else sets one.</summary>
    public const double DefaultTemperature = 0.7;

    /// <summary>The maximum output tokens used when nothing else sets them.</summary>
    public const int DefaultMaxTokens = 1024;

    /// <summary>The smallest allowed temperature.</summary>
    public const double MinTemperature = 0.0;

    /// <summary>The largest allowed temperature.</summary>
    public const double MaxTemperature = 2.0;

    /// <summary>The smallest allowed maximum of output tokens.</summary>
    public const int MinMaxTokens = 1;

    /// <summary>The largest allowed maximum of output tokens.</summary>
    public const int MaxMaxTokens = 1_000_000;

    /// <summary>The smallest allowed run timeout, in seconds.</summary>
    public const double MinTimeoutSeconds = 0.001;

    /// <summary>The default of <see cref="MaxDegreeOfParallelism"/>.</summary>
    public const int DefaultMaxDegreeOfParallelism = 16;

    /// <summary>The largest allowed <see cref="MaxDegreeOfParallelism"/>.</summary>
    public const int MaxMaxDegreeOfParallelism = 1024;

    /// <summary>The largest allowed run timeout, in seconds (one day).</summary>
    public const double MaxTimeoutSeconds = 86_400;

    /// <summary>Gets or sets the provider used by steps that name none.</summary>
    /// <value>The default value is <c>mock</c>.</value>
    public string DefaultProvider { get; set; } = MockChatClient.DefaultName;

    /// <summary>
    /// Gets or sets the model of steps that name none, used when their provider has no default model of its own (neither
    /// <c>GenAiWorkflows:Providers:&lt;name&gt;:DefaultModel</c> nor the chat client's <c>ChatClientMetadata.DefaultModelId</c>).
    /// </summary>
    /// <value>The default value is <c>gpt-4o-mini</c>.</value>
    public string DefaultModel { get; set; } = DefaultModelName;

    /// <summary>Gets or sets the sampling temperature used by steps that set none (0 to 2).</summary>
    /// <value>The default value is 0.7.</value>
    public double Temperature { get; set; } = DefaultTemperature;

    /// <summary>Gets or sets the maximum output tokens used by steps that set none.</summary>
    /// <value>The default value is 1024.</value>
    public int MaxTokens { get; set; } = DefaultMaxTokens;

    /// <summary>Gets or sets the run timeout in seconds, applied to runs that are given none.</summary>
    /// <value>The default value is 300 (five minutes).</value>
    public double TimeoutSeconds { get; set; } = 300;

    /// <summary>Gets or sets the minimum level of the library's own log categories (<c>Workflows.*</c>).</summary>
    /// <value>The default value is <see cref="Microsoft.Extensions.Logging.LogLevel.Information"/>.</value>
    public LogLevel LogLevel { get; set; } = LogLevel.Information;

    /// <summary>
    /// Gets or sets whether prompt and completion text are recorded on <c>chat</c> spans (<c>gen_ai.input.messages</c>,
    /// <c>gen_ai.output.messages</c>). Also enabled by <c>OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true</c>.
    /// </summary>
    /// <value>The default value is <see langword="false"/>: message text may hold personal data.</value>
    public bool CaptureMessageContent { get; set; }

    /// <summary>
    /// Gets the model prices (US dollars per million tokens) that replace or add to the shipped defaults, by model name
    /// (<c>GenAiWorkflows:Pricing:&lt;model&gt;:InputPerMillionTokens</c>...).
    /// </summary>
    public IDictionary<string, ModelPrice> Pricing { get; } = new Dictionary<string, ModelPrice>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Gets the budget applied to runs whose workflow and run options set none (<c>GenAiWorkflows:Budget:MaxTokens</c>,
    /// <c>GenAiWorkflows:Budget:MaxCostUsd</c>).
    /// </summary>
    /// <value>The default value has no limits.</value>
    public RunBudget Budget { get; } = new();

    /// <summary>
    /// Gets the workflows defined in configuration, by name (<c>GenAiWorkflows:Workflows:&lt;name&gt;:Steps:0:Prompt</c>...).
    /// The engine registers them like workflows added in code.
    /// </summary>
    public IDictionary<string, WorkflowDefinition> Workflows { get; } = new Dictionary<string, WorkflowDefinition>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets the run timeout as a <see cref="TimeSpan"/>.</summary>
    public TimeSpan RunTimeout => TimeSpan.FromSeconds(TimeoutSeconds);

    /// <summary>
    /// Gets or sets the most branches of a parallel group, or items of a map, that run at once when the group or map sets
    /// no limit of its own (1 to 1024).
    /// </summary>
    /// <value>The default value is 16.</value>
    public int MaxDegreeOfParallelism { get; set; } = DefaultMaxDegreeOfParallelism;
}
