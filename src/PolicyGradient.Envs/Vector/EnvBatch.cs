using PolicyGradient.Environments.Spaces;

namespace PolicyGradient.Environments.Vector;

/// <summary>
/// The copies and batched buffers shared by <see cref="SyncVectorEnv"/> and
/// <see cref="ThreadedVectorEnv"/>: both step the same ranges with the same code, which is why
/// their results are bit-identical. Ranges of different copies touch disjoint rows, so worker
/// threads need no locks.
/// </summary>
internal sealed class EnvBatch : IDisposable
{
    internal EnvBatch(IReadOnlyList<IEnv> envs)
    {
        ArgumentNullException.ThrowIfNull(envs);
        if (envs.Count == 0) throw new ArgumentException("a vector env needs at least one copy", nameof(envs));
        Envs = envs.ToArray();
        ObservationSpace = Envs[0].ObservationSpace;
        ActionSpace = Envs[0].ActionSpace;
        ObsSize = ObservationSpace.FlatSize;
        ActSize = ActionSpace.FlatSize;
        for (int i = 1; i < Envs.Length; i++)
        {
            if (Envs[i] is null) throw new ArgumentException($"copy {i} is null", nameof(envs));
            if (Envs[i].ObservationSpace.FlatSize != ObsSize || Envs[i].ActionSpace.FlatSize != ActSize)
                throw new ArgumentException($"copy {i} has spaces {Envs[i].ObservationSpace} / {Envs[i].ActionSpace}, copy 0 has {ObservationSpace} / {ActionSpace}; all copies must match", nameof(envs));
            if (ReferenceEquals(Envs[i], Envs[0])) throw new ArgumentException($"copy {i} is the same object as copy 0; give distinct env instances", nameof(envs));
        }
        int n = Envs.Length;
        Observations = new float[n * ObsSize];
        FinalObservations = new float[n * ObsSize];
        Rewards = new double[n];
        Terminated = new bool[n];
        Truncated = new bool[n];
        Infos = new IReadOnlyDictionary<string, object>?[n];
        _maskProviders = FindMaskProviders();
        if (_maskProviders is not null)
        {
            MaskSize = Environments.ActionMasks.Size(ActionSpace);
            ActionMasks = new bool[n * MaskSize];
        }
    }

    readonly IActionMaskProvider[]? _maskProviders;

    /// <summary>Every copy's mask provider when copy 0 has one (then all must), else null.</summary>
    IActionMaskProvider[]? FindMaskProviders()
    {
        if (Environments.ActionMasks.Find(Envs[0]) is null) return null;
        var providers = new IActionMaskProvider[Envs.Length];
        for (int i = 0; i < Envs.Length; i++)
            providers[i] = Environments.ActionMasks.Find(Envs[i])
                ?? throw new ArgumentException($"copy 0 provides action masks but copy {i} ({Envs[i].GetType().Name}) does not; give every copy the same wrappers", "envs");
        return providers;
    }

    /// <summary>Entries of one copy's action mask (0 without masks).</summary>
    internal int MaskSize { get; }

    /// <summary>[n × MaskSize] masks of the current states, or null when the copies provide none.</summary>
    internal bool[]? ActionMasks { get; }

    /// <summary>Refreshes copy <paramref name="i"/>'s row of <see cref="ActionMasks"/> from its current state.</summary>
    void WriteMask(int i)
    {
        if (_maskProviders is null) return;
        _maskProviders[i].WriteActionMask(ActionMasks.AsSpan(i * MaskSize, MaskSize));
    }

    internal IEnv[] Envs { get; }
    internal Space ObservationSpace { get; }
    internal Space ActionSpace { get; }
    internal int ObsSize { get; }
    internal int ActSize { get; }
    internal int Count => Envs.Length;
    internal float[] Observations { get; }
    internal float[] FinalObservations { get; }
    internal double[] Rewards { get; }
    internal bool[] Terminated { get; }
    internal bool[] Truncated { get; }
    internal IReadOnlyDictionary<string, object>?[] Infos { get; }
    internal bool Started { get; set; }

    /// <summary>Checks the action buffer's length (one row per copy).</summary>
    internal void CheckActions(int length, string owner)
    {
        int expected = Envs.Length * ActSize;
        if (length != expected)
            throw new ArgumentException($"{owner}: actions must hold NumEnvs × action size = {Envs.Length} × {ActSize} = {expected} values, got {length}", "actions");
        if (!Started)
            throw new InvalidOperationException($"{owner}: Step was called before Reset; call Reset(seed) first");
    }

    /// <summary>Resets copies [from, to); copy i gets seed + i.</summary>
    internal void ResetRange(int from, int to, long? seed)
    {
        int d = ObsSize;
        for (int i = from; i < to; i++)
        {
            Infos[i] = Envs[i].Reset(Observations.AsSpan(i * d, d), seed is long s ? s + i : null);
            Rewards[i] = 0;
            Terminated[i] = false;
            Truncated[i] = false;
            WriteMask(i);
        }
    }

    /// <summary>
    /// Steps copies [from, to) with their action rows; a copy that ends keeps its last observation
    /// in <see cref="FinalObservations"/> and is reset at once (same-step autoreset, no seed: its
    /// generator continues).
    /// </summary>
    internal void StepRange(int from, int to, ReadOnlySpan<float> actions)
    {
        int d = ObsSize, k = ActSize;
        IEnv[] envs = Envs;
        float[] obs = Observations;
        for (int i = from; i < to; i++)
        {
            Span<float> row = obs.AsSpan(i * d, d);
            StepResult r = envs[i].Step(actions.Slice(i * k, k), row);
            Rewards[i] = r.Reward;
            Terminated[i] = r.Terminated;
            Truncated[i] = r.Truncated;
            Infos[i] = r.Info;
            if (r.Terminated || r.Truncated)
            {
                row.CopyTo(FinalObservations.AsSpan(i * d, d));
                envs[i].Reset(row); // the reset's info is dropped: the step's info (e.g. "episode") is kept
            }
            WriteMask(i); // after an autoreset: the mask of the new episode's first state
        }
    }

    internal void Save(BinaryWriter w, string owner)
    {
        w.Write(Envs.Length);
        w.Write(ObsSize);
        w.Write(ActSize);
        for (int i = 0; i < Envs.Length; i++)
        {
            if (Envs[i] is not IStatefulEnv s)
                throw new NotSupportedException($"{owner}: copy {i} ({Envs[i].GetType().Name}) does not implement IStatefulEnv, so its state cannot be saved");
            s.SaveState(w);
        }
        w.Write(Started);
        foreach (float v in Observations) w.Write(v);
        foreach (float v in FinalObservations) w.Write(v);
        for (int i = 0; i < Envs.Length; i++)
        {
            w.Write(Rewards[i]);
            w.Write(Terminated[i]);
            w.Write(Truncated[i]);
        }
    }

    internal void Load(BinaryReader r, string owner)
    {
        int n = r.ReadInt32(), d = r.ReadInt32(), k = r.ReadInt32();
        if (n != Envs.Length || d != ObsSize || k != ActSize)
            throw new InvalidDataException($"{owner}: saved state has {n} copies with observation size {d} and action size {k}; this vector env has {Envs.Length}, {ObsSize}, {ActSize}");
        for (int i = 0; i < Envs.Length; i++)
        {
            if (Envs[i] is not IStatefulEnv s)
                throw new NotSupportedException($"{owner}: copy {i} ({Envs[i].GetType().Name}) does not implement IStatefulEnv, so its state cannot be restored");
            s.LoadState(r);
        }
        Started = r.ReadBoolean();
        for (int i = 0; i < Observations.Length; i++) Observations[i] = r.ReadSingle();
        for (int i = 0; i < FinalObservations.Length; i++) FinalObservations[i] = r.ReadSingle();
        for (int i = 0; i < Envs.Length; i++)
        {
            Rewards[i] = r.ReadDouble();
            Terminated[i] = r.ReadBoolean();
            Truncated[i] = r.ReadBoolean();
            Infos[i] = null;
            if (Started) WriteMask(i); // masks are a function of the restored state
        }
    }

    public void Dispose()
    {
        foreach (var e in Envs) e.Dispose();
    }
}
