using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Workflows;
using Workflows.Hosting;
using Microsoft.Extensions.FileProviders;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

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

        var yaml = new SingleDocumentYamlConfigurationSource
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
        var advice = context.Provider.Source.Optional ? "Fix the file or remove it (it is optional)." : "Fix the file.";

        // The YAML provider does not always keep the parser's error (for some documents it throws a bare
        // System.Exception); when none is found, the file is parsed again to find where it breaks.
        var files = context.Provider.Source.FileProvider;
        var yamlError = FindYamlException(context.Exception) ?? Reparse(files, path);
        if (yamlError is not null)
        {
            if (yamlError.Message.Contains("tab", StringComparison.OrdinalIgnoreCase) && FindIndentingTab(files, path) is { } tab)
            {
                // YamlDotNet reports an indenting tab at the start of the enclosing mapping.
                yamlError = new YamlException(tab, tab, "A tab is used for indentation; YAML allows only spaces.");
            }

            var detail = yamlError.InnerException is YamlException inner && inner.Message != yamlError.Message
                ? $"{yamlError.Message} ({inner.Message})"
                : yamlError.Message;

            // A scanner error gives the construct it was reading (Start) and the place of the problem (End).
            var where = yamlError.End.Line > yamlError.Start.Line
                ? $"line {yamlError.End.Line}, column {yamlError.End.Column} (in the block that starts at line {yamlError.Start.Line})"
                : $"line {yamlError.Start.Line}, column {yamlError.Start.Column}";
            return new ConfigurationException(
                $"The configuration file '{path}' is not valid YAML at {where}: {Sentence(detail)} {advice}",
                path, context.Exception);
        }

        var message = context.Exception.InnerException?.Message ?? context.Exception.Message;
        return new ConfigurationException(
            $"The configuration file '{path}' could not be read: {Sentence(message)} {advice}",
            path, context.Exception);
    }

    private static YamlException? FindYamlException(Exception? exception)
    {
        for (var inner = exception; inner is not null; inner = inner.InnerException)
        {
            if (inner is YamlException yamlError)
            {
                return yamlError;
            }
        }

        return null;
    }

    private static YamlException? Reparse(IFileProvider? files, string path)
    {
        var file = files?.GetFileInfo(path);
        if (file is not { Exists: true })
        {
            return null;
        }

        // Walk the parser's events, remembering the flow collections ([...] and {...}) still open: YamlDotNet 13 fails with
        // a bare System.Exception on some unclosed ones, with no position.
        var open = new Stack<ParsingEvent>();
        ParsingEvent? last = null;
        try
        {
            using var reader = new StreamReader(file.CreateReadStream());
            var parser = new Parser(reader);
            while (parser.MoveNext())
            {
                last = parser.Current;
                switch (last)
                {
                    case SequenceStart { Style: SequenceStyle.Flow } or MappingStart { Style: MappingStyle.Flow }:
                        open.Push(last);
                        break;
                    case SequenceEnd or MappingEnd when open.Count > 0 && IsFlowEnd(open.Peek(), last):
                        open.Pop();
                        break;
                }
            }
        }
        catch (YamlException ex)
        {
            return ex;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            if (open.Count > 0)
            {
                var start = open.Peek();
                var bracket = start is SequenceStart ? "[" : "{";
                var closing = start is SequenceStart ? "]" : "}";
                return new YamlException(start.Start, start.End,
                    $"The '{bracket}' opened here is never closed with '{closing}' (quote the value if it is text).");
            }

            return last is null
                ? new YamlException(Mark.Empty, Mark.Empty, "The file cannot be parsed.")
                : new YamlException(last.End, last.End, "The file cannot be parsed after this point.");
        }

        // Valid YAML that the provider still refused: a key given twice is the usual cause.
        return FindDuplicateKey(files!, path);
    }

    private static Mark? FindIndentingTab(IFileProvider? files, string path)
    {
        var file = files?.GetFileInfo(path);
        if (file is not { Exists: true })
        {
            return null;
        }

        using var reader = new StreamReader(file.CreateReadStream());
        var number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            var indent = line.Length - line.TrimStart(' ', '\t').Length;
            if (line.AsSpan(0, indent).Contains('\t'))
            {
                return new Mark(0, number, line.IndexOf('\t', StringComparison.Ordinal) + 1);
            }
        }

        return null;
    }

    private static bool IsFlowEnd(ParsingEvent start, ParsingEvent end) =>
        (start is SequenceStart && end is SequenceEnd) || (start is MappingStart && end is MappingEnd);

    private static YamlException? FindDuplicateKey(IFileProvider files, string path)
    {
        using var reader = new StreamReader(files.GetFileInfo(path).CreateReadStream());
        var stream = new YamlStream();
        stream.Load(reader);
        foreach (var document in stream.Documents)
        {
            if (FindDuplicateKey(document.RootNode) is { } duplicate)
            {
                return duplicate;
            }
        }

        return null;
    }

    private static YamlException? FindDuplicateKey(YamlNode node)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                foreach (var (key, value) in mapping.Children)
                {
                    if (key is YamlScalarNode { Value: { } name } && !seen.Add(name))
                    {
                        return new YamlException(key.Start, key.End, $"The key '{name}' appears more than once in the same mapping.");
                    }

                    if (FindDuplicateKey(value) is { } nested)
                    {
                        return nested;
                    }
                }

                return null;
            case YamlSequenceNode sequence:
                return sequence.Children.Select(FindDuplicateKey).FirstOrDefault(static e => e is not null);
            default:
                return null;
        }
    }

    private static string Sentence(string text) => text.TrimEnd().EndsWith('.') ? text.TrimEnd() : text.TrimEnd() + ".";
}
