namespace PolicyGradient.Environments.Spaces;

/// <summary>
/// A dictionary of named subspaces in a fixed key order (Gymnasium's Dict; the order is the order
/// given, not sorted). Flat encoding: the subspaces' flat encodings concatenated in key order (a
/// Discrete key is one float holding its integer), so a Dict observation travels in one contiguous
/// buffer and a vector env batches it as [N × FlatSize], key k in the columns
/// [<see cref="Offset"/>(k), Offset(k) + its FlatSize). Learners read Dict observations through
/// <see cref="Wrappers.FlattenDictObservation"/> (Box keys as they are, Discrete keys one-hot).
/// </summary>
public sealed class Dict : Space
{
    readonly KeyValuePair<string, Space>[] _entries;
    readonly int[] _offsets;

    /// <summary>Creates Dict from (key, space) pairs in the order given.</summary>
    /// <exception cref="ArgumentException">No key, a duplicate or empty key, a null space, or a nested Dict.</exception>
    public Dict(params (string Key, Space Space)[] entries)
    {
        if (entries.Length == 0) throw new ArgumentException("Dict needs at least one key", nameof(entries));
        var seen = new HashSet<string>();
        _entries = new KeyValuePair<string, Space>[entries.Length];
        _offsets = new int[entries.Length];
        int offset = 0;
        for (int i = 0; i < entries.Length; i++)
        {
            var (key, space) = entries[i];
            if (string.IsNullOrEmpty(key)) throw new ArgumentException($"Dict key {i} is empty; give every subspace a name", nameof(entries));
            if (!seen.Add(key)) throw new ArgumentException($"Dict key '{key}' appears twice; keys must be unique", nameof(entries));
            if (space is null) throw new ArgumentException($"Dict key '{key}' has no space", nameof(entries));
            if (space is Dict) throw new ArgumentException($"Dict key '{key}' is itself a Dict; nested Dict spaces are not supported, flatten the keys (e.g. 'outer.inner')", nameof(entries));
            _entries[i] = new(key, space);
            _offsets[i] = offset;
            offset += space.FlatSize;
        }
        FlatSize = offset;
    }

    /// <summary>The keys in order.</summary>
    public IReadOnlyList<string> Keys => _entries.Select(e => e.Key).ToArray();

    /// <summary>The (key, subspace) pairs in order.</summary>
    public IReadOnlyList<KeyValuePair<string, Space>> Entries => _entries;

    /// <summary>The subspace of <paramref name="key"/>.</summary>
    /// <exception cref="KeyNotFoundException">No such key; the message lists the keys.</exception>
    public Space this[string key] => _entries[IndexOf(key)].Value;

    /// <summary>Where <paramref name="key"/>'s flat encoding starts inside the Dict's flat encoding.</summary>
    public int Offset(string key) => _offsets[IndexOf(key)];

    /// <summary>The flat encoding of <paramref name="key"/> inside a Dict element <paramref name="x"/>.</summary>
    public ReadOnlySpan<float> Slice(ReadOnlySpan<float> x, string key)
    {
        int i = IndexOf(key);
        return x.Slice(_offsets[i], _entries[i].Value.FlatSize);
    }

    int IndexOf(string key)
    {
        for (int i = 0; i < _entries.Length; i++) if (_entries[i].Key == key) return i;
        throw new KeyNotFoundException($"Dict has no key '{key}'; its keys are {string.Join(", ", Keys)}");
    }

    /// <inheritdoc />
    public override int[] Shape => [FlatSize];

    /// <inheritdoc />
    public override int FlatSize { get; }

    /// <inheritdoc />
    public override bool IsDiscrete => _entries.All(e => e.Value.IsDiscrete);

    /// <inheritdoc />
    public override void Sample(Rng rng, Span<float> destination)
    {
        for (int i = 0; i < _entries.Length; i++)
            _entries[i].Value.Sample(rng, destination.Slice(_offsets[i], _entries[i].Value.FlatSize));
    }

    /// <inheritdoc />
    public override bool Contains(ReadOnlySpan<float> x)
    {
        if (x.Length != FlatSize) return false;
        for (int i = 0; i < _entries.Length; i++)
            if (!_entries[i].Value.Contains(x.Slice(_offsets[i], _entries[i].Value.FlatSize))) return false;
        return true;
    }

    /// <inheritdoc />
    public override string ToString() => "Dict(" + string.Join(", ", _entries.Select(e => $"'{e.Key}': {e.Value}")) + ")";
}
