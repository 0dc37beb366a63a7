using System.Globalization;
using Azure.AI.OpenAI.Chat;
using Microsoft.Extensions.AI;
using OpenAI.Chat;

namespace Workflows.Providers.OpenAI;

/// <summary>
/// Turns the caller's <see cref="ChatOptions"/> into what one call sends: the target model (or Azure deployment), the
/// values checked against their allowed ranges, the sampling parameters a reasoning model rejects dropped, and the
/// settings MEAI has no property for (<c>reasoning_effort</c>, <c>service_tier</c>, <c>user</c>) read from
/// <see cref="ChatOptions.AdditionalProperties"/>.
/// </summary>
internal static class ChatRequestMapper
{
    /// <summary>The <see cref="ChatOptions.AdditionalProperties"/> keys this provider sends.</summary>
    public static readonly IReadOnlyList<string> SupportedProperties = ["reasoning_effort", "service_tier", "user"];

    private static readonly string SupportedPropertiesText = string.Join(", ", SupportedProperties);

    /// <summary>
    /// Whether a model id names a reasoning model: after any <c>vendor/</c> prefix it starts with <c>o1</c>, <c>o3</c>,
    /// <c>o4</c> or <c>gpt-5</c>, followed by the end, <c>-</c> or <c>.</c>; <c>gpt-5-chat*</c> (a non-reasoning model) excepted.
    /// Case is ignored.
    /// </summary>
    public static bool IsReasoningModel(string? modelId)
    {
        if (string.IsNullOrWhiteSpace(modelId))
        {
            return false;
        }

        var id = modelId.Trim().ToLowerInvariant();
        id = id[(id.LastIndexOf('/') + 1)..];
        if (id.StartsWith("gpt-5-chat", StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var prefix in (ReadOnlySpan<string>)["o1", "o3", "o4", "gpt-5"])
        {
            if (id.StartsWith(prefix, StringComparison.Ordinal) && (id.Length == prefix.Length || id[prefix.Length] is '-' or '.'))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The model a call names: the options' model, else the provider's default.</summary>
    /// <exception cref="ProviderException">Neither is set.</exception>
    public static string ResolveModel(OpenAIProviderRuntime runtime, ChatOptions? options)
    {
        if (!string.IsNullOrWhiteSpace(options?.ModelId))
        {
            return options.ModelId;
        }

        var settings = runtime.State.Options;
        if (!string.IsNullOrWhiteSpace(settings.DefaultModel))
        {
            return settings.DefaultModel;
        }

        var key = OpenAIProviderConfiguration.KeyPath(runtime.Name, nameof(settings.DefaultModel));
        throw new ProviderException(
            $"The request to provider '{runtime.Name}' names no model and {key} is not set. " +
            $"Set the step's model, GenAiWorkflows:DefaultModel, or {EnvironmentVariableNames.Describe(key)}.",
            runtime.Name);
    }

    /// <summary>Maps one call's options.</summary>
    /// <returns>The model (or Azure deployment) the call goes to, and the options to hand to the SDK's chat client.</returns>
    /// <exception cref="ProviderException">No model is named, or a value is out of its range.</exception>
    public static (string Target, ChatOptions Options) Map(OpenAIProviderRuntime runtime, ChatOptions? options)
    {
        var settings = runtime.State.Options;
        var model = ResolveModel(runtime, options);
        var target = settings.IsAzure && !string.IsNullOrWhiteSpace(settings.Deployment) ? settings.Deployment : model;
        Validate(runtime.Name, options);

        var mapped = options?.Clone() ?? new ChatOptions();
        mapped.ModelId = target;

        var additional = ReadAdditionalProperties(runtime, mapped);
        var reasoning = IsReasoningModel(model) || IsReasoningModel(target) || additional.ReasoningEffort is not null || mapped.Reasoning?.Effort is not null;
        if (reasoning)
        {
            DropSamplingParameters(runtime, mapped, target);
        }

        var callerFactory = options?.RawRepresentationFactory;
        var maxOutputTokens = mapped.MaxOutputTokens;
        var isAzure = settings.IsAzure;

        // The factory below sends the max tokens itself: Microsoft.Extensions.AI.OpenAI would send MaxOutputTokens as
        // max_completion_tokens even on Azure, where older API versions know only max_tokens (which every non-reasoning
        // deployment accepts).
        mapped.MaxOutputTokens = null;

        mapped.RawRepresentationFactory = client =>
        {
            var completionOptions = callerFactory?.Invoke(client) as ChatCompletionOptions ?? new ChatCompletionOptions();
            if (maxOutputTokens.HasValue && completionOptions.MaxOutputTokenCount is null)
            {
                var max = maxOutputTokens.Value;
                if (!isAzure)
                {
                    completionOptions.MaxOutputTokenCount = max; // max_completion_tokens
                }
                else if (reasoning)
                {
                    // Reasoning deployments accept only max_completion_tokens.
                    completionOptions.MaxOutputTokenCount = max;
#pragma warning disable AOAI001 // Opting into max_completion_tokens on Azure is marked experimental by the SDK.
                    completionOptions.SetNewMaxCompletionTokensPropertyEnabled(true);
#pragma warning restore AOAI001
                }
                else
                {
#pragma warning disable SCME0001 // JsonPatch is marked experimental by System.ClientModel.
                    completionOptions.Patch.Set("$.max_tokens"u8, max);
#pragma warning restore SCME0001
                }
            }

#pragma warning disable OPENAI001 // reasoning_effort and service_tier are marked experimental by the SDK.
            var effort = additional.ReasoningEffort;
            if (effort is not null)
            {
                completionOptions.ReasoningEffortLevel ??= new ChatReasoningEffortLevel(effort);
            }

            var tier = additional.ServiceTier;
            if (tier is not null)
            {
                completionOptions.ServiceTier ??= new ChatServiceTier(tier);
            }
#pragma warning restore OPENAI001

            var user = additional.User;
            if (user is not null)
            {
                completionOptions.EndUserId ??= user;
            }

            return completionOptions;
        };
        return (target, mapped);
    }

    private static void Validate(string providerName, ChatOptions? options)
    {
        if (options is null)
        {
            return;
        }

        CheckRange(providerName, nameof(ChatOptions.Temperature), "temperature", options.Temperature, 0, 2);
        CheckRange(providerName, nameof(ChatOptions.TopP), "top_p", options.TopP, 0, 1);
        CheckRange(providerName, nameof(ChatOptions.FrequencyPenalty), "frequency_penalty", options.FrequencyPenalty, -2, 2);
        CheckRange(providerName, nameof(ChatOptions.PresencePenalty), "presence_penalty", options.PresencePenalty, -2, 2);
        if (options.MaxOutputTokens < 1)
        {
            var max = options.MaxOutputTokens.Value;
            throw new ProviderException(
                $"The request's {nameof(ChatOptions.MaxOutputTokens)} (max tokens) is {max.ToString(CultureInfo.InvariantCulture)}, " +
                $"but provider '{providerName}' needs at least 1; leave it unset for the model's own limit.",
                providerName, errorCode: "invalid_request");
        }
    }

    private static void CheckRange(string providerName, string property, string wireName, float? value, float min, float max)
    {
        if (value is null)
        {
            return;
        }

        var number = value.Value;
        if (float.IsNaN(number) || number < min || number > max)
        {
            throw new ProviderException(
                $"The request's {property} ({wireName}) is {number.ToString(CultureInfo.InvariantCulture)}, but provider '{providerName}' " +
                $"accepts {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}.",
                providerName, errorCode: "invalid_request");
        }
    }

    private static void DropSamplingParameters(OpenAIProviderRuntime runtime, ChatOptions options, string target)
    {
        var dropped = new List<string>(4);
        if (options.Temperature is not null)
        {
            dropped.Add("temperature");
            options.Temperature = null;
        }

        if (options.TopP is not null)
        {
            dropped.Add("top_p");
            options.TopP = null;
        }

        if (options.FrequencyPenalty is not null)
        {
            dropped.Add("frequency_penalty");
            options.FrequencyPenalty = null;
        }

        if (options.PresencePenalty is not null)
        {
            dropped.Add("presence_penalty");
            options.PresencePenalty = null;
        }

        if (dropped.Count > 0 && runtime.Logger.IsEnabled(Microsoft.Extensions.Logging.LogLevel.Debug))
        {
            runtime.Logger.SamplingParametersDropped(runtime.Name, target, string.Join(", ", dropped));
        }
    }

    private static (string? ReasoningEffort, string? ServiceTier, string? User) ReadAdditionalProperties(OpenAIProviderRuntime runtime, ChatOptions options)
    {
        string? effort = null, tier = null, user = null;
        var properties = options.AdditionalProperties;
        if (properties is null || properties.Count == 0)
        {
            return (effort, tier, user);
        }

        foreach (var (key, value) in properties)
        {
            var text = value switch
            {
                null => null,
                string s => s,
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                _ => value.ToString(),
            };
            switch (key)
            {
                case "reasoning_effort":
                    effort = text;
                    break;
                case "service_tier":
                    tier = text;
                    break;
                case "user":
                    user = text;
                    break;
                case "strict":
                    break; // read by Microsoft.Extensions.AI.OpenAI itself (strict JSON schema for tools and response formats)
                default:
                    runtime.Logger.AdditionalPropertyIgnored(runtime.Name, key, SupportedPropertiesText);
                    break;
            }
        }

        return (string.IsNullOrWhiteSpace(effort) ? null : effort, string.IsNullOrWhiteSpace(tier) ? null : tier, string.IsNullOrWhiteSpace(user) ? null : user);
    }
}
