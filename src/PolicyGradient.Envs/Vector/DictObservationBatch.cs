using PolicyGradient.Environments.Spaces;

namespace PolicyGradient.Environments.Vector;

/// <summary>
/// Per-key views of a vector env's Dict observations: one preallocated flat buffer per key,
/// [NumEnvs × the key's FlatSize] row-major, refilled from the env's batched observation buffer by
/// <see cref="Refresh"/> without allocating (the vector env itself keeps every Dict row in its one
/// [NumEnvs × Dict FlatSize] buffer, key k in the columns [Offset(k), Offset(k) + size)).
/// </summary>
public sealed class DictObservationBatch
{
    readonly IVectorEnv _env;
    readonly Dict _dict;
    readonly float[][] _buffers;

    /// <summary>Views of <paramref name="env"/>, whose single observation space must be a <see cref="Dict"/>.</summary>
    /// <exception cref="ArgumentException">The observation space is not a Dict.</exception>
    public DictObservationBatch(IVectorEnv env)
    {
        _env = env ?? throw new ArgumentNullException(nameof(env));
        _dict = env.SingleObservationSpace as Dict
            ?? throw new ArgumentException($"DictObservationBatch needs a Dict observation space, the env has {env.SingleObservationSpace}", nameof(env));
        _buffers = _dict.Entries.Select(e => new float[env.NumEnvs * e.Value.FlatSize]).ToArray();
    }

    /// <summary>The Dict space.</summary>
    public Dict Space => _dict;

    /// <summary>The buffer of <paramref name="key"/>: [NumEnvs × its FlatSize], as of the last <see cref="Refresh"/>.</summary>
    public float[] this[string key]
    {
        get
        {
            for (int i = 0; i < _dict.Entries.Count; i++) if (_dict.Entries[i].Key == key) return _buffers[i];
            throw new KeyNotFoundException($"Dict has no key '{key}'; its keys are {string.Join(", ", _dict.Keys)}");
        }
    }

    /// <summary>Copies the env's current observations (after a Reset or Step) into the per-key buffers.</summary>
    public void Refresh()
    {
        var rows = _env.Observations;
        int width = _dict.FlatSize;
        for (int k = 0; k < _buffers.Length; k++)
        {
            int offset = _dict.Offset(_dict.Entries[k].Key), size = _dict.Entries[k].Value.FlatSize;
            var buffer = _buffers[k];
            for (int i = 0; i < _env.NumEnvs; i++)
                rows.AsSpan(i * width + offset, size).CopyTo(buffer.AsSpan(i * size, size));
        }
    }
}
