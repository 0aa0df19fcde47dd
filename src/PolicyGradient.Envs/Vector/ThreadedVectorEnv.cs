using PolicyGradient.Environments.Spaces;

namespace PolicyGradient.Environments.Vector;

/// <summary>
/// Steps N copies on several threads: the copies are split into contiguous ranges, one per
/// thread, and the calling thread steps the first range itself while dedicated worker threads step
/// the others. Each call hands work over with a spin-then-block event (spin briefly for the
/// microsecond-scale steps of small envs such as CartPole, then sleep so idle workers cost no CPU).
/// Every copy is stepped by the same code as <see cref="SyncVectorEnv"/>, so the results are
/// bit-identical to it for the same seeds and actions.
/// </summary>
public sealed class ThreadedVectorEnv : IVectorEnv, IStatefulEnv, IActionMaskSource
{
    readonly EnvBatch _batch;
    readonly int[] _bounds;
    readonly WorkerTeam _team;
    readonly float[] _actions;
    bool _reset;
    long? _seed;
    bool _disposed;

    /// <summary>Wraps distinct env instances with equal spaces.</summary>
    /// <param name="envs">The copies.</param>
    /// <param name="threads">Threads including the caller's (default: the number of cores, at most one per copy).</param>
    /// <param name="spinCount">Spin iterations before a waiting thread blocks (see <see cref="ManualResetEventSlim.SpinCount"/>).</param>
    public ThreadedVectorEnv(IReadOnlyList<IEnv> envs, int? threads = null, int spinCount = 2000)
    {
        _batch = new EnvBatch(envs);
        int t = threads ?? Environment.ProcessorCount;
        if (t <= 0) throw new ArgumentOutOfRangeException(nameof(threads), t, "threads must be >= 1");
        t = Math.Min(t, _batch.Count);
        _bounds = WorkerTeam.Bounds(_batch.Count, t);
        _actions = new float[_batch.Count * _batch.ActSize];
        _team = new WorkerTeam(t, spinCount, RunRange, nameof(ThreadedVectorEnv));
    }

    /// <summary>Builds <paramref name="numEnvs"/> copies with <paramref name="factory"/> (called with the copy index).</summary>
    public ThreadedVectorEnv(Func<int, IEnv> factory, int numEnvs, int? threads = null)
        : this(VectorEnvs.Build(factory, numEnvs), threads) { }

    /// <summary>Number of threads stepping copies (the caller's included).</summary>
    public int Threads => _bounds.Length - 1;

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
        ObjectDisposedException.ThrowIf(_disposed, this);
        _reset = true;
        _seed = seed;
        _team.Run();
        _batch.Started = true;
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The buffer does not hold NumEnvs × action size values.</exception>
    public void Step(ReadOnlySpan<float> actions)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _batch.CheckActions(actions.Length, nameof(ThreadedVectorEnv));
        actions.CopyTo(_actions);
        _reset = false;
        _team.Run();
    }

    void RunRange(int p)
    {
        if (_reset) _batch.ResetRange(_bounds[p], _bounds[p + 1], _seed);
        else _batch.StepRange(_bounds[p], _bounds[p + 1], _actions);
    }

    /// <inheritdoc />
    public void SaveState(BinaryWriter writer) => _batch.Save(writer, nameof(ThreadedVectorEnv));

    /// <inheritdoc />
    public void LoadState(BinaryReader reader) => _batch.Load(reader, nameof(ThreadedVectorEnv));

    /// <summary>Stops the worker threads and disposes the copies.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _team.Dispose();
        _batch.Dispose();
    }
}
