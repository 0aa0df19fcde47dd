using PolicyGradient.Environments.Spaces;
using PolicyGradient.Environments.Vector;

namespace PolicyGradient.Environments.ClassicControl;

/// <summary>
/// N CartPole-v1 copies with the time limit applied inline: the copies are held as the sealed
/// <see cref="CartPole"/> type and stepped without the interface dispatch and wrapper layer
/// (<see cref="Wrappers.TimeLimit"/>) of the generic vector envs, optionally over several threads.
/// The physics stays in one place (<see cref="CartPole"/>), so the results are exactly those of a
/// <see cref="SyncVectorEnv"/> over <c>Envs.Make("CartPole-v1")</c> copies (a test compares them
/// step for step). <see cref="VectorEnvs.Make"/> picks it for unwrapped CartPole-v1.
/// </summary>
public sealed class CartPoleVectorEnv : IVectorEnv, IStatefulEnv
{
    const int ObsSize = 4;

    readonly CartPole[] _envs;
    readonly int[] _elapsed;
    readonly float[] _actions;
    readonly int[] _bounds;
    readonly WorkerTeam? _team;
    bool _started, _reset;
    long? _seed;

    /// <summary>Creates <paramref name="numEnvs"/> copies.</summary>
    /// <param name="numEnvs">Number of copies.</param>
    /// <param name="maxEpisodeSteps">Time limit (CartPole-v1: 500; 0 for none).</param>
    /// <param name="threads">Threads including the caller's (1: in-thread).</param>
    /// <param name="factory">Builds one copy (default <c>new CartPole()</c>; <see cref="VectorEnvs.Make"/> passes the registered factory).</param>
    public CartPoleVectorEnv(int numEnvs, int maxEpisodeSteps = 500, int threads = 1, Func<CartPole>? factory = null)
    {
        if (numEnvs <= 0) throw new ArgumentOutOfRangeException(nameof(numEnvs), numEnvs, "numEnvs must be >= 1");
        if (maxEpisodeSteps < 0) throw new ArgumentOutOfRangeException(nameof(maxEpisodeSteps), maxEpisodeSteps, "the time limit must be >= 0 (0: none)");
        if (threads <= 0) throw new ArgumentOutOfRangeException(nameof(threads), threads, "threads must be >= 1");
        NumEnvs = numEnvs;
        MaxEpisodeSteps = maxEpisodeSteps;
        _envs = new CartPole[numEnvs];
        for (int i = 0; i < numEnvs; i++) _envs[i] = factory?.Invoke() ?? new CartPole();
        _elapsed = new int[numEnvs];
        _actions = new float[numEnvs];
        Observations = new float[numEnvs * ObsSize];
        FinalObservations = new float[numEnvs * ObsSize];
        Rewards = new double[numEnvs];
        Terminated = new bool[numEnvs];
        Truncated = new bool[numEnvs];
        Infos = new IReadOnlyDictionary<string, object>?[numEnvs];
        int t = Math.Min(threads, numEnvs);
        _bounds = WorkerTeam.Bounds(numEnvs, t);
        if (t > 1) _team = new WorkerTeam(t, 2000, RunRange, nameof(CartPoleVectorEnv));
    }

    /// <inheritdoc />
    public int NumEnvs { get; }

    /// <summary>The time limit (0: none).</summary>
    public int MaxEpisodeSteps { get; }

    /// <summary>Threads stepping the copies (the caller's included).</summary>
    public int Threads => _bounds.Length - 1;

    /// <inheritdoc />
    public Space SingleObservationSpace => _envs[0].ObservationSpace;

    /// <inheritdoc />
    public Space SingleActionSpace => _envs[0].ActionSpace;

    /// <inheritdoc />
    public float[] Observations { get; }

    /// <inheritdoc />
    public float[] FinalObservations { get; }

    /// <inheritdoc />
    public double[] Rewards { get; }

    /// <inheritdoc />
    public bool[] Terminated { get; }

    /// <inheritdoc />
    public bool[] Truncated { get; }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, object>?[] Infos { get; }

    /// <inheritdoc />
    public void Reset(long? seed = null)
    {
        _reset = true;
        _seed = seed;
        Run();
        _started = true;
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The buffer does not hold NumEnvs values, or an action is not 0 or 1.</exception>
    public void Step(ReadOnlySpan<float> actions)
    {
        if (actions.Length != NumEnvs)
            throw new ArgumentException($"{nameof(CartPoleVectorEnv)}: actions must hold NumEnvs × action size = {NumEnvs} × 1 = {NumEnvs} values, got {actions.Length}", nameof(actions));
        if (!_started)
            throw new InvalidOperationException($"{nameof(CartPoleVectorEnv)}: Step was called before Reset; call Reset(seed) first");
        if (_team is null) StepRange(0, NumEnvs, actions);
        else
        {
            actions.CopyTo(_actions);
            _reset = false;
            _team.Run();
        }
    }

    void Run()
    {
        if (_team is null) RunRange(0);
        else _team.Run();
    }

    void RunRange(int p)
    {
        if (_reset) ResetRange(_bounds[p], _bounds[p + 1]);
        else StepRange(_bounds[p], _bounds[p + 1], _actions);
    }

    void ResetRange(int from, int to)
    {
        for (int i = from; i < to; i++)
        {
            _envs[i].Reset(Observations.AsSpan(i * ObsSize, ObsSize), _seed is long s ? s + i : null);
            _elapsed[i] = 0;
            Rewards[i] = 0;
            Terminated[i] = false;
            Truncated[i] = false;
        }
    }

    void StepRange(int from, int to, ReadOnlySpan<float> actions)
    {
        CartPole[] envs = _envs;
        int[] elapsed = _elapsed;
        float[] obs = Observations;
        int limit = MaxEpisodeSteps;
        for (int i = from; i < to; i++)
        {
            Span<float> row = obs.AsSpan(i * ObsSize, ObsSize);
            CartPole env = envs[i];
            StepResult r = env.Step(actions.Slice(i, 1), row);
            // TimeLimit, inline: the step that reaches the limit is truncated (terminated may be set too).
            bool truncated = r.Truncated || (limit > 0 && ++elapsed[i] >= limit);
            Rewards[i] = r.Reward;
            Terminated[i] = r.Terminated;
            Truncated[i] = truncated;
            Infos[i] = r.Info;
            if (r.Terminated || truncated)
            {
                row.CopyTo(FinalObservations.AsSpan(i * ObsSize, ObsSize));
                env.Reset(row);
                elapsed[i] = 0;
            }
        }
    }

    /// <inheritdoc />
    public void SaveState(BinaryWriter writer)
    {
        writer.Write(nameof(CartPoleVectorEnv));
        writer.Write(NumEnvs);
        writer.Write(_started);
        for (int i = 0; i < NumEnvs; i++)
        {
            _envs[i].SaveState(writer);
            writer.Write(_elapsed[i]);
            writer.Write(Rewards[i]); writer.Write(Terminated[i]); writer.Write(Truncated[i]);
        }
        foreach (float v in Observations) writer.Write(v);
        foreach (float v in FinalObservations) writer.Write(v);
    }

    /// <inheritdoc />
    public void LoadState(BinaryReader reader)
    {
        string kind = reader.ReadString();
        int n = reader.ReadInt32();
        if (kind != nameof(CartPoleVectorEnv) || n != NumEnvs)
            throw new InvalidDataException($"{nameof(CartPoleVectorEnv)}: saved state is a {kind} of {n} copies, this is a {nameof(CartPoleVectorEnv)} of {NumEnvs}");
        _started = reader.ReadBoolean();
        for (int i = 0; i < NumEnvs; i++)
        {
            _envs[i].LoadState(reader);
            _elapsed[i] = reader.ReadInt32();
            Rewards[i] = reader.ReadDouble(); Terminated[i] = reader.ReadBoolean(); Truncated[i] = reader.ReadBoolean();
            Infos[i] = null;
        }
        for (int i = 0; i < Observations.Length; i++) Observations[i] = reader.ReadSingle();
        for (int i = 0; i < FinalObservations.Length; i++) FinalObservations[i] = reader.ReadSingle();
    }

    /// <summary>Stops the worker threads and disposes the copies.</summary>
    public void Dispose()
    {
        _team?.Dispose();
        foreach (var e in _envs) e.Dispose();
    }
}
