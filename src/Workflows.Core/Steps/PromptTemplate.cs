using System.Globalization;
using System.Text;

namespace Workflows;

/// <summary>
/// A prompt with <c>{variable}</c> placeholders, parsed once. <c>{{</c> and <c>}}</c> stand for literal braces.
/// </summary>
/// <remarks>
/// Variable names follow the step-name rule (<c>[A-Za-z_][A-Za-z0-9_.-]*</c>), so <c>{draft}</c> reads the output of the
/// step named <c>draft</c>. Values are formatted with the invariant culture. Rendering is allocation-light and thread-safe.
/// </remarks>
public sealed class PromptTemplate
{
    private readonly Segment[] _segments;
    private readonly int _literalLength;

    /// <summary>Initializes a new instance of the <see cref="PromptTemplate"/> class.</summary>
    /// <param name="text">The template text.</param>
    /// <exception cref="FormatException">A brace is unbalanced or a placeholder is not a valid variable name; the message gives the position.</exception>
    public PromptTemplate(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        Text = text;
        _segments = Parse(text, out _literalLength);
        Variables = [.. _segments.Where(static s => s.IsVariable).Select(static s => s.Value).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>Gets the template as written.</summary>
    public string Text { get; }

    /// <summary>Gets the distinct variable names the template uses, in order of first use.</summary>
    public IReadOnlyList<string> Variables { get; }

    /// <summary>Renders the template.</summary>
    /// <param name="variables">The values by name.</param>
    /// <param name="stepName">The step rendering it, named in errors.</param>
    /// <returns>The rendered text.</returns>
    /// <exception cref="TemplateVariableMissingException">A variable the template uses is not in <paramref name="variables"/>.</exception>
    public string Render(IReadOnlyDictionary<string, object?> variables, string? stepName = null)
    {
        ArgumentNullException.ThrowIfNull(variables);
        if (_segments.Length == 1 && !_segments[0].IsVariable)
        {
            return _segments[0].Value;
        }

        var builder = new StringBuilder(_literalLength + (16 * _segments.Length));
        foreach (var segment in _segments)
        {
            if (!segment.IsVariable)
            {
                builder.Append(segment.Value);
                continue;
            }

            if (!variables.TryGetValue(segment.Value, out var value))
            {
                throw new TemplateVariableMissingException(stepName, segment.Value, variables.Keys);
            }

            builder.Append(Format(value));
        }

        return builder.ToString();
    }

    /// <inheritdoc />
    public override string ToString() => Text;

    /// <summary>
    /// Formats a variable for a prompt: invariant culture; a parallel group's outputs (a dictionary) one <c>name: value</c>
    /// line per branch; a map's list one line per item.
    /// </summary>
    internal static string Format(object? value) => value switch
    {
        null => string.Empty,
        string s => s,
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        System.Text.Json.JsonElement json => json.ToString(),
        IReadOnlyDictionary<string, object?> outputs => string.Join("\n", outputs.Select(static o => $"{o.Key}: {Format(o.Value)}")),
        System.Collections.IEnumerable items => string.Join("\n", items.Cast<object?>().Select(Format)),
        _ => value.ToString() ?? string.Empty,
    };

    private static Segment[] Parse(string text, out int literalLength)
    {
        var segments = new List<Segment>();
        var literal = new StringBuilder();
        literalLength = 0;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '{')
            {
                if (i + 1 < text.Length && text[i + 1] == '{')
                {
                    literal.Append('{');
                    i += 2;
                    continue;
                }

                var close = text.IndexOf('}', i + 1);
                if (close < 0)
                {
                    throw new FormatException(
                        $"The template has an unclosed '{{' at position {i}: \"{Excerpt(text, i)}\". " +
                        "Close the placeholder with '}' or write '{{' for a literal brace.");
                }

                var name = text[(i + 1)..close];
                if (!StepNames.IsValid(name))
                {
                    throw new FormatException(
                        $"The template placeholder '{{{name}}}' at position {i} is not a valid variable name " +
                        $"(pattern {StepNames.PatternText}). Write '{{{{' and '}}}}' for literal braces.");
                }

                if (literal.Length > 0)
                {
                    literalLength += literal.Length;
                    segments.Add(new Segment(literal.ToString(), IsVariable: false));
                    literal.Clear();
                }

                segments.Add(new Segment(name, IsVariable: true));
                i = close + 1;
                continue;
            }

            if (c == '}')
            {
                if (i + 1 < text.Length && text[i + 1] == '}')
                {
                    literal.Append('}');
                    i += 2;
                    continue;
                }

                throw new FormatException(
                    $"The template has a lone '}}' at position {i}: \"{Excerpt(text, i)}\". Write '}}}}' for a literal brace.");
            }

            literal.Append(c);
            i++;
        }

        if (literal.Length > 0 || segments.Count == 0)
        {
            literalLength += literal.Length;
            segments.Add(new Segment(literal.ToString(), IsVariable: false));
        }

        return [.. segments];
    }

    private static string Excerpt(string text, int position)
    {
        var start = Math.Max(0, position - 20);
        var end = Math.Min(text.Length, position + 20);
        return text[start..end];
    }

    private readonly record struct Segment(string Value, bool IsVariable);
}
