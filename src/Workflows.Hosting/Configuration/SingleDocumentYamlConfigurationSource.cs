using Microsoft.Extensions.Configuration;
using NetEscapades.Configuration.Yaml;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Workflows.Hosting;

/// <summary>
/// A YAML configuration file checked before it is read: the YAML provider reads only a file's first document and resolves an
/// alias without saying where it is, so a second document (after <c>---</c>) and an alias to no anchor are reported with
/// their line and column instead of being ignored or reported at the top of the file.
/// </summary>
internal sealed class SingleDocumentYamlConfigurationSource : YamlConfigurationSource
{
    public override IConfigurationProvider Build(IConfigurationBuilder builder)
    {
        EnsureDefaults(builder);
        return new Provider(this);
    }

    private sealed class Provider(YamlConfigurationSource source) : YamlConfigurationProvider(source)
    {
        public override void Load(Stream stream)
        {
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            buffer.Position = 0;
            using (var reader = new StreamReader(buffer, leaveOpen: true))
            {
                Check(new Parser(reader));
            }

            buffer.Position = 0;
            base.Load(buffer);
        }

        private static void Check(Parser parser)
        {
            var documents = 0;
            var anchors = new HashSet<string>(StringComparer.Ordinal);
            while (parser.MoveNext())
            {
                switch (parser.Current)
                {
                    case DocumentStart { IsImplicit: var isImplicit } start when ++documents > 1:
                        throw new YamlException(start.Start, start.End,
                            $"A second YAML document starts here{(isImplicit ? string.Empty : " ('---')")}, and only the first document of a " +
                            "configuration file is read. Keep all settings in one document, or move the rest into another file");
                    case AnchorAlias alias when !anchors.Contains(alias.Value.Value):
                        throw new YamlException(alias.Start, alias.End,
                            $"The alias '*{alias.Value.Value}' refers to no anchor defined before it; define '&{alias.Value.Value}' on a " +
                            "value above, or write the value out");
                    case NodeEvent { Anchor.IsEmpty: false } node:
                        anchors.Add(node.Anchor.Value);
                        break;
                }
            }
        }
    }
}
