using PolicyGradient.Environments;
using PolicyGradient.Environments.Spaces;
using PolicyGradient.Environments.Vector;
using PolicyGradient.Environments.Wrappers;
using TorchSharp;

namespace PolicyGradient.Algorithms.OnPolicy.Partitions;

/// <summary>
/// One partition of a rollout, away from the learner: env copies [first, first + m) of the run's
/// vector env, built exactly as the learner's vector env builds them (same env id and kwargs, copy i
/// reset with seed + i, same-step autoreset, episode statistics), stepped with the native forward
/// (<see cref="NativeRolloutPolicy"/>) on a copy of θ and the learner's noise for these columns.
/// The native kernels give each row the same bits whatever the batch size, so the partition's rows
/// equal the learner's rows of the in-process rollout. Orleans-free: a worker grain wraps it.
/// Observation normalization is not supported here (its statistics would have to see every copy each step).
/// </summary>
internal sealed class RolloutPartitionWorker : IDisposable
{
    readonly IVectorEnv _env;
    readonly NativeRolloutPolicy _policy;
    readonly float[] _theta, _envActions, _actions, _logProbs, _values;
    readonly Box? _actionBox;
    readonly int _obs, _act;
    readonly long _seed;
    torch.Generator? _ownNoise;

    /// <summary>Builds copies [<paramref name="first"/>, first + <paramref name="count"/>) of the run's env and resets them.</summary>
    /// <exception cref="ArgumentException">The env's spaces do not match <paramref name="layout"/>.</exception>
    public RolloutPartitionWorker(string envId, IReadOnlyDictionary<string, object>? kwargs, long seed, int first, int count, ActorCriticLayout layout)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "a partition needs at least one env copy");
        _env = OnPolicyCore.MakeVectorEnv(envId, count, kwargs);
        _obs = _env.SingleObservationSpace.FlatSize;
        _act = _env.SingleActionSpace.FlatSize;
        if (_obs != layout.InputSize)
        {
            _env.Dispose();
            throw new ArgumentException($"{envId} has observations of {_obs} values, the learner's network takes {layout.InputSize}: learner and worker disagree on the env");
        }
        _actionBox = _env.SingleActionSpace as Box;
        _theta = new float[layout.ParameterCount];
        _policy = new NativeRolloutPolicy(layout, _theta, count);
        _envActions = new float[count * _act]; _actions = new float[count * _act];
        _logProbs = new float[count]; _values = new float[count];
        First = first;
        _seed = seed;
        _env.Reset(seed + first); // copy j here is copy first + j of the learner's vector env: seed + first + j
    }

    /// <summary>Index of the partition's first copy in the learner's vector env.</summary>
    public int First { get; }

    /// <summary>Env copies m.</summary>
    public int Count => _env.NumEnvs;

    /// <summary>Version of the weights last set.</summary>
    public long Version { get; private set; } = -1;

    /// <summary>Copies θ (the learner's flat buffer) tagged with <paramref name="version"/>.</summary>
    public void SetWeights(ReadOnlySpan<float> theta, long version)
    {
        if (theta.Length != _theta.Length)
            throw new ArgumentException($"the weight blob has {theta.Length} values, this worker's network has {_theta.Length}", nameof(theta));
        theta.CopyTo(_theta);
        _policy.WeightsChanged();
        Version = version;
    }

    /// <summary>Steps the copies <paramref name="steps"/> times on <paramref name="noise"/> ([steps × m × draws], step-major).</summary>
    public PartitionRollout Run(ReadOnlySpan<float> noise, int steps)
    {
        int m = Count;
        if (noise.Length != steps * m * _policy.DrawsPerRow)
            throw new ArgumentException($"the noise has {noise.Length} values, {steps} steps of {m} copies need {steps * m * _policy.DrawsPerRow}", nameof(noise));
        _policy.UseRolloutNoise(noise);
        var r = new PartitionRollout
        {
            Steps = steps, Envs = m, Version = Version,
            Observations = new float[steps * m * _obs], Actions = new float[steps * m * _act],
            LogProbs = new float[steps * m], Values = new float[steps * m], Rewards = new double[steps * m],
            Terminated = new bool[steps * m], Truncated = new bool[steps * m], FinalValues = new float[steps * m],
            LastValues = new float[m],
        };
        var episodes = new List<(int At, double Return, int Length)>();
        for (int t = 0; t < steps; t++) Step(r, t, episodes);
        _policy.Values(_env.Observations, m, r.LastValues);
        return new PartitionRollout
        {
            Steps = r.Steps, Envs = r.Envs, Version = r.Version, Observations = r.Observations, Actions = r.Actions,
            LogProbs = r.LogProbs, Values = r.Values, Rewards = r.Rewards, Terminated = r.Terminated, Truncated = r.Truncated,
            FinalValues = r.FinalValues, LastValues = r.LastValues, LastObservations = _env.Observations.ToArray(),
            EpisodeAt = episodes.Select(e => e.At).ToArray(), EpisodeReturns = episodes.Select(e => e.Return).ToArray(),
            EpisodeLengths = episodes.Select(e => e.Length).ToArray(),
        };
    }

    /// <summary>
    /// Noise for <paramref name="steps"/> steps drawn on this worker (async mode: no learner draws for
    /// it). The worker's own generator is seeded from the run seed and its first copy, so workers draw
    /// different streams; async runs are not reproducible anyway (arrival order decides the batches).
    /// </summary>
    public float[] DrawNoise(int steps)
    {
        _ownNoise ??= new torch.Generator(unchecked((ulong)(_seed * 1_000_003L + First + 1)));
        _policy.BeginRollout(_ownNoise, steps, Count);
        return _policy.Noise.ToArray();
    }

    /// <summary>One step of the in-process rollout (OnPolicyCore.CollectRollout) for these copies.</summary>
    void Step(PartitionRollout r, int t, List<(int At, double Return, int Length)> episodes)
    {
        int m = Count, row = t * m;
        _env.Observations.CopyTo(r.Observations.AsSpan(row * _obs, m * _obs));
        _policy.Act(_env.Observations, m, _actions, _logProbs, _values);
        // Box actions: clip to the bounds when stepping; the buffer keeps the unclipped sample.
        _actions.CopyTo(_envActions, 0);
        if (_actionBox is not null)
            for (int i = 0; i < m; i++) _actionBox.Clip(_envActions.AsSpan(i * _act, _act));
        _env.Step(_envActions);
        _actions.CopyTo(r.Actions.AsSpan(row * _act, m * _act));
        _logProbs.CopyTo(r.LogProbs.AsSpan(row, m));
        _values.CopyTo(r.Values.AsSpan(row, m));
        _env.Rewards.CopyTo(r.Rewards.AsSpan(row, m));
        _env.Terminated.CopyTo(r.Terminated.AsSpan(row, m));
        _env.Truncated.CopyTo(r.Truncated.AsSpan(row, m));
        BootstrapTruncations(r.FinalValues.AsSpan(row, m));
        for (int i = 0; i < m; i++)
            if (_env.Infos[i] is { } info && info.TryGetValue(RecordEpisodeStatistics.InfoKey, out var e) && e is EpisodeStatistics s
                && (_env.Terminated[i] || _env.Truncated[i]))
                episodes.Add((row + i, s.Return, s.Length));
    }

    /// <summary>V(final observation) of the copies cut by a time limit (Pardo et al. 2018), in one batch as the learner does.</summary>
    void BootstrapTruncations(Span<float> destination)
    {
        bool[] term = _env.Terminated, trunc = _env.Truncated;
        var which = new List<int>();
        for (int i = 0; i < term.Length; i++) if (trunc[i] && !term[i]) which.Add(i);
        if (which.Count == 0) return;
        var rows = new float[which.Count * _obs];
        for (int k = 0; k < which.Count; k++)
            _env.FinalObservations.AsSpan(which[k] * _obs, _obs).CopyTo(rows.AsSpan(k * _obs, _obs));
        var v = new float[which.Count];
        _policy.Values(rows, which.Count, v);
        for (int k = 0; k < which.Count; k++) destination[which[k]] = v[k];
    }

    /// <summary>The copies' complete state (physics, generators, autoreset buffers).</summary>
    public byte[] SaveState()
    {
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            if (_env is not IStatefulEnv stateful)
                throw new NotSupportedException($"{_env.GetType().Name} does not implement IStatefulEnv, so the run cannot be checkpointed exactly");
            stateful.SaveState(w);
        }
        return ms.ToArray();
    }

    /// <summary>Restores what <see cref="SaveState"/> wrote.</summary>
    public void LoadState(byte[] state)
    {
        using var r = new BinaryReader(new MemoryStream(state));
        if (_env is not IStatefulEnv stateful)
            throw new NotSupportedException($"{_env.GetType().Name} does not implement IStatefulEnv, so the run cannot be restored");
        stateful.LoadState(r);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _env.Dispose();
        _ownNoise?.Dispose();
    }
}
