using System.Globalization;
using Microsoft.Extensions.Options;

namespace Workflows.Providers.OpenAI;

/// <summary>
/// Validates the <see cref="OpenAIProviderOptions"/> of one provider on host start. Each failure names the key, the bad
/// value (never the API key), what is allowed and the environment variables that set it.
/// </summary>
internal sealed class OpenAIProviderOptionsValidator(string providerName) : IValidateOptions<OpenAIProviderOptions>
{
    public const int MinAttempts = 1;
    public const int MaxAttemptsLimit = 10;

    private static readonly TimeSpan MinTimeout = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan MaxTimeout = TimeSpan.FromHours(24);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromHours(24);

    public ValidateOptionsResult Validate(string? name, OpenAIProviderOptions options)
    {
        if (!string.Equals(name, providerName, StringComparison.Ordinal))
        {
            return ValidateOptionsResult.Skip;
        }

        ArgumentNullException.ThrowIfNull(options);
        var builder = new ValidateOptionsResultBuilder();

        if (string.IsNullOrWhiteSpace(options.ApiKey))
        {
            var key = OpenAIProviderConfiguration.KeyPath(providerName, nameof(options.ApiKey));
            builder.AddError(
                $"{key} is not set, so provider '{providerName}' cannot authenticate to {Describe(options.EffectiveEndpoint)}. " +
                $"Set the environment variable {OpenAIProviderOptions.ApiKeyEnvironmentVariable} or {EnvironmentVariableNames.Describe(key)}, " +
                "or put the key in user secrets or another secret store (not in appsettings.json). " +
                "A local OpenAI-compatible server that checks no key accepts any placeholder, for example 'none'.");
        }

        var apiTypes = new[] { OpenAIProviderOptions.OpenAIApiType, OpenAIProviderOptions.AzureApiType };
        if (!apiTypes.Contains(options.ApiType, StringComparer.OrdinalIgnoreCase))
        {
            builder.AddError(Message(nameof(options.ApiType), options.ApiType,
                $"one of {string.Join(", ", apiTypes)} ({OpenAIProviderOptions.OpenAIApiType} also serves OpenAI-compatible servers)"));
        }

        if (options.Endpoint is { } endpoint &&
            (!endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps)))
        {
            builder.AddError(Message(nameof(options.Endpoint), Describe(endpoint),
                "an absolute http or https URI such as https://my-resource.openai.azure.com/ or http://localhost:8080/v1"));
        }

        if (options.IsAzure)
        {
            if (options.Endpoint is null)
            {
                builder.AddError(Message(nameof(options.Endpoint), null,
                    $"the Azure OpenAI resource endpoint (https://<resource>.openai.azure.com/) when {nameof(options.ApiType)} is {OpenAIProviderOptions.AzureApiType}"));
            }

            if (!AzureApiVersions.TryParse(options.ApiVersion, out _))
            {
                builder.AddError(Message(nameof(options.ApiVersion), options.ApiVersion,
                    $"one of {string.Join(", ", AzureApiVersions.Known)}"));
            }
        }
        else if (options.Endpoint is { IsAbsoluteUri: true } openAIEndpoint &&
                 (openAIEndpoint.Host.EndsWith(".openai.azure.com", StringComparison.OrdinalIgnoreCase) ||
                  openAIEndpoint.Host.EndsWith(".cognitiveservices.azure.com", StringComparison.OrdinalIgnoreCase)))
        {
            builder.AddError(Message(nameof(options.ApiType), options.ApiType,
                $"{OpenAIProviderOptions.AzureApiType} because {nameof(options.Endpoint)} is an Azure OpenAI resource ({openAIEndpoint.Host})"));
        }

        if (options.MaxAttempts is < MinAttempts or > MaxAttemptsLimit)
        {
            builder.AddError(Message(nameof(options.MaxAttempts), options.MaxAttempts,
                $"a whole number from {MinAttempts} (no retries) to {MaxAttemptsLimit}"));
        }

        CheckSpan(builder, nameof(options.AttemptTimeout), options.AttemptTimeout, MinTimeout, MaxTimeout);
        CheckSpan(builder, nameof(options.RequestTimeout), options.RequestTimeout, MinTimeout, MaxTimeout);
        if (options.RequestTimeout < options.AttemptTimeout)
        {
            builder.AddError(Message(nameof(options.RequestTimeout), options.RequestTimeout,
                $"at least {nameof(options.AttemptTimeout)} ({Format(options.AttemptTimeout)}), since it covers all attempts"));
        }

        CheckSpan(builder, nameof(options.RetryBaseDelay), options.RetryBaseDelay, TimeSpan.Zero, MaxDelay);
        CheckSpan(builder, nameof(options.RetryMaxDelay), options.RetryMaxDelay, TimeSpan.Zero, MaxDelay);
        if (options.RetryMaxDelay < options.RetryBaseDelay)
        {
            builder.AddError(Message(nameof(options.RetryMaxDelay), options.RetryMaxDelay,
                $"at least {nameof(options.RetryBaseDelay)} ({Format(options.RetryBaseDelay)})"));
        }

        return builder.Build();
    }

    private void CheckSpan(ValidateOptionsResultBuilder builder, string property, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            builder.AddError(Message(property, value, $"a time span from {Format(min)} to {Format(max)}"));
        }
    }

    private string Message(string property, object? value, string allowed)
    {
        var key = OpenAIProviderConfiguration.KeyPath(providerName, property);
        var shown = value switch
        {
            null => "(empty)",
            TimeSpan span => Format(span),
            IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() is { Length: > 0 } text ? text : "(empty)",
        };
        return $"{key} is '{shown}', but it must be {allowed}. " +
               $"Set it in appsettings.json or config.yaml, or with the environment variable {EnvironmentVariableNames.Describe(key)}.";
    }

    private static string Format(TimeSpan span) => span.ToString("c", CultureInfo.InvariantCulture);

    /// <summary>An endpoint as shown in messages: without any user information it may carry.</summary>
    private static string Describe(Uri endpoint) =>
        endpoint.IsAbsoluteUri && endpoint.UserInfo.Length > 0
            ? new UriBuilder(endpoint) { UserName = string.Empty, Password = string.Empty }.Uri.ToString()
            : endpoint.ToString();
}
