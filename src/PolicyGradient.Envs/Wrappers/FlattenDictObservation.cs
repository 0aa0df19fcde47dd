using PolicyGradient.Environments.Spaces;

namespace PolicyGradient.Environments.Wrappers;

/// <summary>
/// Turns a <see cref="Dict"/> observation into one Box vector at the env boundary, in the Dict's key
/// order: a Box key is copied as it is (its bounds kept), a Discrete key becomes a one-hot vector of
/// n floats, a MultiDiscrete key one one-hot block per dimension, a MultiBinary key its 0/1 values.
/// This is the multi-input policy of sb3-contrib/SB3 (one encoder per key — flatten for Box, one-hot
/// for Discrete — concatenated before the shared trunk) in its simplest faithful form: the encoders
/// have no weights, so the MLP trunks, the native kernels and observation normalization stay as they
/// are. The on-policy algorithms add it themselves when the env's observation space is a Dict.
/// </summary>
public sealed class FlattenDictObservation : Wrapper
{
    readonly Dict _dict;
    readonly Box _box;
    readonly float[] _raw;

    /// <summary>Wraps an env whose observation space is a <see cref="Dict"/>.</summary>
    /// <exception cref="ArgumentException">The observation space is not a Dict, or a key's space cannot be encoded.</exception>
    public FlattenDictObservation(IEnv env) : base(env)
    {
        _dict = env.ObservationSpace as Dict
            ?? throw new ArgumentException($"FlattenDictObservation needs a Dict observation space, the env has {env.ObservationSpace}", nameof(env));
        var low = new List<float>();
        var high = new List<float>();
        foreach (var (key, space) in _dict.Entries)
        {
            int width = EncodedSize(key, space);
            if (space is Box b) { low.AddRange(b.Low); high.AddRange(b.High); }
            else { low.AddRange(Enumerable.Repeat(0f, width)); high.AddRange(Enumerable.Repeat(1f, width)); }
        }
        _box = new Box(low.ToArray(), high.ToArray());
        _raw = new float[_dict.FlatSize];
    }

    /// <summary>The Dict the wrapped env observes in.</summary>
    public Dict DictSpace => _dict;

    /// <inheritdoc />
    public override Space ObservationSpace => _box;

    /// <summary>Floats <paramref name="space"/> takes once encoded.</summary>
    public static int EncodedSize(string key, Space space) => space switch
    {
        Box b => b.FlatSize,
        Discrete d => d.N,
        MultiDiscrete m => m.Nvec.Sum(),
        MultiBinary mb => mb.FlatSize,
        _ => throw new ArgumentException($"Dict key '{key}' has space {space}, which FlattenDictObservation cannot encode (Box, Discrete, MultiDiscrete, MultiBinary)", nameof(space)),
    };

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, object>? Reset(Span<float> observation, long? seed = null)
    {
        var info = Env.Reset(_raw, seed);
        Encode(_dict, _raw, observation);
        return info;
    }

    /// <inheritdoc />
    public override StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        var result = Env.Step(action, _raw);
        Encode(_dict, _raw, observation);
        return result;
    }

    /// <summary>Encodes a Dict element <paramref name="raw"/> (its flat form) into <paramref name="encoded"/> (the Box form).</summary>
    public static void Encode(Dict dict, ReadOnlySpan<float> raw, Span<float> encoded)
    {
        int o = 0;
        foreach (var (key, space) in dict.Entries)
        {
            var x = dict.Slice(raw, key);
            int width = EncodedSize(key, space);
            var dst = encoded.Slice(o, width);
            switch (space)
            {
                case Discrete d:
                    dst.Clear();
                    dst[(int)x[0] - d.Start] = 1f;
                    break;
                case MultiDiscrete m:
                    dst.Clear();
                    for (int i = 0, block = 0; i < m.Nvec.Length; block += m.Nvec[i], i++) dst[block + (int)x[i]] = 1f;
                    break;
                default:
                    x.CopyTo(dst);
                    break;
            }
            o += width;
        }
    }
}
