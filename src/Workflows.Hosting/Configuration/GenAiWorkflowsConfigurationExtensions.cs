using Microsoft.Extensions.Configuration.EnvironmentVariables;
using NetEscapades.Configuration.Yaml;
using Workflows;
using Workflows.Hosting;
using YamlDotNet.Core;

namespace Microsoft.Extensions.Configuration;

/// <summary>Adds the library's configuration sources: <c>config.yaml</c> and the flat <c>GENAI_WORKFLOW_*</c> variables.</summary>
public static class GenAiWorkflowsConfigurationExtensions
{
    /// <summary>
    /// Adds an optional YAML file and the flat <c>GENAI_WORKFLOW_*</c> environment variables, placed so that the
    /// precedence is: environment variables (<c>GenAiWorkflows__Key</c> over <c>GENAI_WORKFLOW_KEY</c>) over the YAML
    /// file over <c>appsettings.json</c>.
    /// </summary>
    /// <param name="builder">The configuration builder (for a host: <c>builder.Configuration</c>).</param>
    /// <param name="yamlPath">The YAML file, relative to the builder's base path.</param>
    /// <param name="optional">Whether the YAML file may be missing.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ConfigurationException">The YAML file is malformed; the message names the file and the line.</exception>
    public static IConfigurationBuilder AddGenAiWorkflowsConfiguration(
        this IConfigurationBuilder builder, string yamlPath = "config.yaml", bool optional = true)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(yamlPath);

        var yaml = new YamlConfigurationSource
        {
            Path = yamlPath,
            Optional = optional,
            ReloadOnChange = false,
            OnLoadException = static context => throw DescribeYamlFailure(context),
        };
        yaml.ResolveFileProvider();
        yaml.FileProvider ??= builder.GetFileProvider();
        var aliases = new FlatEnvironmentVariablesConfigurationSource();

        // Before the first unprefixed environment-variable source, so both environment forms beat the YAML file;
        // without one, at the end.
        var sources = builder.Sources;
        var index = -1;
        for (var i = 0; i < sources.Count; i++)
        {
            if (sources[i] is EnvironmentVariablesConfigurationSource { Prefix: null or "" })
            {
                index = i;
                break;
            }
        }

        if (index < 0)
        {
            builder.Add(yaml);
            builder.Add(aliases);
        }
        else
        {
            sources.Insert(index, aliases);
            sources.Insert(index, yaml);
        }

        return builder;
    }

    private static ConfigurationException DescribeYamlFailure(FileLoadExceptionContext context)
    {
        var path = context.Provider.Source.Path ?? "config.yaml";
        for (var inner = context.Exception; inner is not null; inner = inner.InnerException)
        {
            if (inner is YamlException yamlError)
            {
                return new ConfigurationException(
                    $"The configuration file '{path}' is not valid YAML at line {yamlError.Start.Line}, column {yamlError.Start.Column}: " +
                    $"{yamlError.Message} Fix the file or remove it (it is optional).",
                    path, context.Exception);
            }
        }

        var detail = context.Exception.InnerException?.Message ?? context.Exception.Message;
        return new ConfigurationException(
            $"The configuration file '{path}' could not be read: {detail} Fix the file or remove it (it is optional).",
            path, context.Exception);
    }
}
