using PolicyGradient.Environments.Spaces;

namespace PolicyGradient.Environments.Vector;

/// <summary>
/// Steps N copies one after another on the calling thread (Gymnasium's SyncVectorEnv, SB3's
/// DummyVecEnv) with same-step autoreset; see <see cref="IVectorEnv"/> for the buffer layout.
/// </summary>
public sealed class SyncVectorEnv : IVectorEnv, IStatefulEnv, IActionMaskSource
{
    readonly EnvBatch _batch;

    /// <summary>Wraps distinct env instances with equal spaces.</summary>
    public SyncVectorEnv(IReadOnlyList<IEnv> envs) => _batch = new EnvBatch(envs);

    /// <summary>Builds <paramref name="numEnvs"/> copies with <paramref name="factory"/> (called with the copy index).</summary>
    public SyncVectorEnv(Func<int, IEnv> factory, int numEnvs) : this(VectorEnvs.Build(factory, numEnvs)) { }

    /// <inheritdoc />
    public int NumEnvs => _batch.Count;

    /// <summary>The copies (for inspection; step them only through this vector env).</summary>
    public IReadOnlyList<IEnv> Envs => _batch.Envs;

    /// <inheritdoc />
    public Space SingleObservationSpace => _batch.ObservationSpace;

    /// <inheritdoc />
    public Space SingleActionSpace => _batch.ActionSpace;

    /// <inheritdoc />
    public float[] Observations => _batch.Observations;

    /// <inheritdoc />
    public float[] FinalObservations => _batch.FinalObservations;

    /// <inheritdoc />
    public double[] Rewards => _batch.Rewards;

    /// <inheritdoc />
    public bool[] Terminated => _batch.Terminated;

    /// <inheritdoc />
    public bool[] Truncated => _batch.Truncated;

    /// <inheritdoc />
    public IReadOnlyDictionary<string, object>?[] Infos => _batch.Infos;

    /// <inheritdoc />
    public int ActionMaskSize => _batch.MaskSize;

    /// <inheritdoc />
    public bool[]? ActionMasks => _batch.ActionMasks;

    /// <inheritdoc />
    public void Reset(long? seed = null)
    {
        _batch.ResetRange(0, _batch.Count, seed);
        _batch.Started = true;
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The buffer does not hold NumEnvs × action size values.</exception>
    public void Step(ReadOnlySpan<float> actions)
    {
        _batch.CheckActions(actions.Length, nameof(SyncVectorEnv));
        _batch.StepRange(0, _batch.Count, actions);
    }

    /// <inheritdoc />
    public void SaveState(BinaryWriter writer) => _batch.Save(writer, nameof(SyncVectorEnv));

    /// <inheritdoc />
    public void LoadState(BinaryReader reader) => _batch.Load(reader, nameof(SyncVectorEnv));

    /// <inheritdoc />
    public void Dispose() => _batch.Dispose();
}
