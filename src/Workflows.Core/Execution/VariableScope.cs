using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace Workflows;

/// <summary>
/// The variables a step sees: the run's inputs and step outputs, and inside a map item or loop iteration the variables of
/// that item or iteration over the enclosing ones. Thread-safe: concurrent branches write their outputs into it.
/// </summary>
/// <remarks>
/// The run's root scope owns every name. A child scope owns only the names given to it (a map item: its item and index
/// variables and the outputs of the mapped steps; a loop iteration: its iteration variable); writing any other name goes
/// to the enclosing scope, so a loop's step outputs are still there after the loop and a map's are per item.
/// </remarks>
internal sealed class VariableScope : IReadOnlyDictionary<string, object?>
{
    private readonly VariableScope? _parent;
    private readonly IReadOnlySet<string>? _owned;
    private readonly ConcurrentDictionary<string, object?> _values;

    public VariableScope(IReadOnlyDictionary<string, object?>? inputs)
    {
        _values = inputs is null ? new(StringComparer.Ordinal) : new(inputs, StringComparer.Ordinal);
    }

    private VariableScope(VariableScope parent, IReadOnlySet<string> owned, IEnumerable<KeyValuePair<string, object?>> values)
    {
        _parent = parent;
        _owned = owned;
        _values = new(values, StringComparer.Ordinal);
    }

    public int Count => Keys.Count();

    public IEnumerable<string> Keys => _parent is null ? _values.Keys : _values.Keys.Union(_parent.Keys, StringComparer.Ordinal);

    public IEnumerable<object?> Values => Keys.Select(key => this[key]);

    public object? this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"The run has no variable '{key}'.");

    /// <summary>Creates the scope of a map item or loop iteration that owns <paramref name="owned"/> and starts with <paramref name="values"/>.</summary>
    public VariableScope CreateChild(IReadOnlySet<string> owned, params KeyValuePair<string, object?>[] values) => new(this, owned, values);

    public void Set(string name, object? value)
    {
        if (_owned is null || _owned.Contains(name) || _parent is null)
        {
            _values[name] = value;
        }
        else
        {
            _parent.Set(name, value);
        }
    }

    public bool ContainsKey(string key) => TryGetValue(key, out _);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out object? value)
    {
        if (_values.TryGetValue(key, out value))
        {
            return true;
        }

        if (_parent is not null)
        {
            return _parent.TryGetValue(key, out value);
        }

        value = null;
        return false;
    }

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() =>
        Keys.Select(key => new KeyValuePair<string, object?>(key, this[key])).GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
