using System.Globalization;
using System.Runtime.InteropServices;
using PolicyGradient.Buffers;
using PolicyGradient.Environments;
using PolicyGradient.Environments.Spaces;
using PolicyGradient.Environments.Vector;
using PolicyGradient.Environments.Wrappers;
using PolicyGradient.Policies;
using PolicyGradient.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Algorithms.OnPolicy;

/// <summary>
/// What every on-policy algorithm here shares at run time: the vector env, the actor-critic on a flat
/// parameter buffer, the backend choice, VecNormalize-style normalization, the torch generator and
/// minibatch permutations, the rollout collection step, episode statistics, prediction and the common
/// part of a checkpoint. <see cref="OnPolicyAlgorithm{TOptions}"/> holds one; each algorithm file
/// keeps its own update (and PPO and TRPO their epoch loops).
/// </summary>
internal sealed partial class OnPolicyCore : IDisposable
{
    static readonly object InitLock = new();
    const int EpisodeWindow = 100; // SB3's ep_info_buffer: episode_return_mean over the last 100 episodes
    readonly float[] _actions, _logProbs, _values, _rewards;
    readonly RolloutEnvStep _envStep;
    readonly Queue<(double Return, int Length)> _recent = new();
    readonly List<(double Return, int Length)> _sinceUpdate = [];
    readonly Box? _actionBox;
    readonly IActionMaskSource? _maskSource;
    readonly Dict? _rawDict; // the env's Dict observation space when the copies flatten one (Predict accepts its raw form)

    public OnPolicyCore(IVectorEnv env, PolicyNetworkOptions network, int numSteps, double gamma,
        bool normalizeObservations, bool normalizeRewards, long seed, Device? device, bool useActionMasks = true)
    {
        Env = env;
        Device = device ?? torch.CPU;
        Seed = seed;
        ObservationSize = env.SingleObservationSpace.FlatSize;
        ActionSize = env.SingleActionSpace.FlatSize;
        _actionBox = env.SingleActionSpace as Box;
        if (normalizeObservations && env.SingleObservationSpace is not Box)
            throw new ArgumentException($"normalize_observations needs a Box observation space, the env has {env.SingleObservationSpace}; set normalize_observations=false");

        // Weights: orthogonal init draws from torch's global generator (nn.init takes no generator),
        // seeded from the run seed; the lock keeps two algorithms built at once from interleaving.
        ActorCriticPolicy policy;
        lock (InitLock)
        {
            torch.random.manual_seed(seed);
            policy = ActorCriticPolicy.Create(env.SingleObservationSpace, env.SingleActionSpace, network);
        }
        Net = new FusedActorCritic(policy, Device);
        // Sampling and minibatch shuffling use this generator (checkpointed as "rng.torch").
        Generator = new torch.Generator((ulong)seed, Device);
        PredictGenerator = new torch.Generator((ulong)seed + 1, Device);

        Normalization = new VecNormalization(env.NumEnvs, ObservationSize, normalizeObservations, normalizeRewards, gamma);
        _rawDict = env is SyncVectorEnv { Envs: [Wrapper first, ..] } ? first.Find<FlattenDictObservation>()?.DictSpace : null;
        _maskSource = useActionMasks && env is IActionMaskSource { ActionMasks: not null } source ? source : null;
        ActionMaskSize = _maskSource?.ActionMaskSize ?? 0;
        Buffer = new RolloutBuffer(numSteps, env.NumEnvs, ObservationSize, ActionSize, ActionMaskSize);
        int n = env.NumEnvs;
        _envStep = new RolloutEnvStep(env, Normalization, Buffer);
        _actions = new float[n * ActionSize];
        _logProbs = new float[n]; _values = new float[n]; _rewards = new float[n];

        env.Reset(seed); // copy i gets seed + i
        Normalization.ObserveObservations(env.Observations);
    }

    /// <summary>Builds N copies of a registered env, each recording episode statistics (a Dict observation flattened: <see cref="FlattenDictObservation"/>).</summary>
    public static IVectorEnv MakeVectorEnv(string envId, int numEnvs, IReadOnlyDictionary<string, object>? kwargs) =>
        new SyncVectorEnv(_ => new RecordEpisodeStatistics(new GuardedEnv(FlattenDict(Envs.Make(envId, kwargs)))), numEnvs);

    /// <summary><paramref name="env"/>, behind <see cref="FlattenDictObservation"/> when it observes a Dict (the MLP policies take one vector).</summary>
    public static IEnv FlattenDict(IEnv env) => env.ObservationSpace is Dict ? new FlattenDictObservation(env) : env;
    // GuardedEnv: a NaN/Inf observation or reward, or an exception from a user env, stops the run at
    // the step it happens with the env id, call, step and value (issue 5); ~10-20 ns per step.

    public IVectorEnv Env { get; }

    /// <summary>The registered env id, seed and env kwargs this algorithm was built from (set by its env-id constructors; null for a vector env the caller built). Save records it.</summary>
    public AlgorithmContext? Source { get; set; }
    public Device Device { get; }
    public long Seed { get; }
    public int ObservationSize { get; }
    public int ActionSize { get; }

    /// <summary>Entries of one copy's action mask when the env provides masks (<see cref="IActionMaskProvider"/>), else 0.</summary>
    public int ActionMaskSize { get; }

    /// <summary>True when the env provides action masks: sampling, log π and the entropy are then masked in rollouts, updates and prediction.</summary>
    public bool Masked => ActionMaskSize > 0;
    public FusedActorCritic Net { get; }
    public torch.Generator Generator { get; }
    public torch.Generator PredictGenerator { get; }
    public VecNormalization Normalization { get; }
    public RolloutBuffer Buffer { get; }
    public long NumTimesteps { get; set; }

    /// <summary>Native rollout inference (set by <see cref="UseBackend"/> on the native backend); null: the tensor forward.</summary>
    public NativeRolloutPolicy? NativeRollout { get; private set; }

    /// <summary>"native" or "libtorch": the backend <see cref="UseBackend"/> resolved.</summary>
    public string Backend => NativeRollout is null ? "libtorch" : "native";

    /// <summary>
    /// Resolves <paramref name="backend"/> for this network and device: returns the native layout and
    /// switches rollouts to <see cref="NativeRollout"/> when native applies (auto on a supported
    /// setup, or native), else null (libtorch).
    /// </summary>
    /// <exception cref="ArgumentException">backend=native on a setup the native kernels cannot compute; the message names the fix.</exception>
    public ActorCriticLayout? UseBackend(ComputeBackend backend)
    {
        if (backend == ComputeBackend.LibTorch) return null;
        var layout = Device.type == DeviceType.CPU ? Net.NativeLayout() : null;
        if (layout is null && backend == ComputeBackend.Native)
            throw new ArgumentException($"backend=native needs the CPU and an MLP actor-critic with tanh or relu, Box observations and Discrete or Box actions (got device {Device.type}, activation {Net.Policy.Options.Activation}, {Env.SingleObservationSpace} -> {Env.SingleActionSpace}); set backend=auto or backend=libtorch");
        if (layout is not null) NativeRollout = new NativeRolloutPolicy(Net, layout, Env.NumEnvs);
        return layout;
    }
    public int NumUpdates { get; set; }

    /// <summary>Run the gradient diagnosis every this many updates (option diagnose_every; 0 = never).</summary>
    public int DiagnoseEvery { get; set; }

    /// <summary>
    /// Collects one fixed-length rollout of T steps from all N copies into <see cref="Buffer"/>
    /// (PPO detail 1, vectorised environments). Returns false when a callback stopped training.
    /// </summary>
    public bool CollectRollout(IAlgorithm owner, ITrainingCallback callback)
    {
        var buffer = Buffer;
        buffer.Reset();
        if (Partitions is not null) return CollectPartitions(owner, callback);
        int n = Env.NumEnvs;
        using var rolloutScope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        // Views of the flat buffer for the tensor forward, valid for the whole rollout (~20 libtorch
        // calls, so not made when the native kernels run the rollout).
        var weights = NativeRollout is null ? Net.Weights() : [];
        var observations = buffer.Observations;
        NativeRollout?.BeginRollout(Generator, buffer.NumSteps, n);
        while (!buffer.Full)
        {
            using var stepScope = torch.NewDisposeScope();
            int t = buffer.Position;
            var row = buffer.NextObservationRow();
            Normalization.NormalizeObservations(Env.Observations, row);
            var masks = _maskSource is null ? default : buffer.SetActionMasks(_maskSource.ActionMasks);
            if (NativeRollout is not null) NativeRollout.Act(row, n, _actions, _logProbs, _values, masks);
            else
            {
                var obs = observations[t];
                if (Device.type != DeviceType.CPU) obs = obs.to(Device);
                var (head, value) = Net.Forward(obs, weights);
                var dist = Net.Distribution(head, weights, buffer.ActionMasks?[t].to(Device));
                var action = dist.Sample(Generator);
                var logProb = dist.LogProb(action);
                Read(action.reshape(n * ActionSize), _actions);
                Read(logProb, _logProbs);
                Read(value, _values);
            }

            NumTimesteps += _envStep.Take(_actions, _logProbs, _values);
            BootstrapTruncations(weights);
            RecordEpisodes();
            if (!callback.OnStep(owner)) return false;
        }
        // V(s_T) closes the rollout: the bootstrap for copies still inside an episode.
        using (torch.NewDisposeScope())
        {
            var last = new float[n * ObservationSize];
            Normalization.NormalizeObservations(Env.Observations, last);
            if (NativeRollout is not null) NativeRollout.Values(last, n, _values);
            else Read(Net.Forward(torch.tensor(last, [n, ObservationSize], device: Device), weights).Value, _values);
            buffer.Finish(_values);
        }
        return true;
    }

    /// <summary>
    /// Truncation bootstrapping (Pardo et al. 2018): for copies cut by a time limit, V'_t is the value
    /// of the final observation, computed for all of them in one batch.
    /// </summary>
    void BootstrapTruncations(Tensor[] weights)
    {
        var (which, rows) = _envStep.TruncatedFinalObservations();
        int count = which.Length;
        if (count == 0) return;
        var v = new float[count];
        if (NativeRollout is not null) NativeRollout.Values(rows, count, v);
        else Read(Net.Forward(torch.tensor(rows, [count, ObservationSize], device: Device), weights).Value, v);
        for (int k = 0; k < count; k++) Buffer.SetNextValue(which[k], v[k]);
    }

    void RecordEpisodes()
    {
        var infos = Env.Infos;
        for (int i = 0; i < infos.Length; i++)
        {
            if (infos[i] is { } info && info.TryGetValue(RecordEpisodeStatistics.InfoKey, out var e) && e is EpisodeStatistics s
                && (Env.Terminated[i] || Env.Truncated[i]))
                RecordEpisode(s.Return, s.Length);
        }
    }

    void RecordEpisode(double episodeReturn, int length)
    {
        _sinceUpdate.Add((episodeReturn, length));
        _recent.Enqueue((episodeReturn, length));
        if (_recent.Count > EpisodeWindow) _recent.Dequeue();
    }

    /// <summary>
    /// A fresh permutation of the rollout's T·N rows into <paramref name="destination"/>, drawn with
    /// torch.randperm from the run's generator (reproducible, checkpointed as "rng.torch"): the
    /// minibatch shuffling of every epoch, on either backend.
    /// </summary>
    public void DrawPermutation(long[] destination)
    {
        using var scope = torch.NewDisposeScope();
        var permutation = torch.randperm(destination.Length, generator: Generator);
        if (permutation.device_type != DeviceType.CPU) permutation = permutation.cpu();
        MemoryMarshal.Cast<byte, long>(permutation.bytes).CopyTo(destination);
    }

    /// <summary>Copies a CPU-readable float tensor into <paramref name="destination"/>.</summary>
    static void Read(Tensor t, float[] destination) => RolloutEnvStep.Read(t, destination);

    /// <summary>
    /// The on-policy training loop every algorithm here shares: collect a fixed-length rollout, then
    /// <paramref name="update"/> (given the fraction of training left, SB3's progress_remaining, for
    /// annealing) and report its metrics, until <paramref name="totalTimesteps"/> or a callback stops it.
    /// </summary>
    public void Learn(IAlgorithm owner, long totalTimesteps, ITrainingCallback? callback, Func<double, Dictionary<string, double>> update)
    {
        callback ??= NoCallback.Instance;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        long startSteps = NumTimesteps;
        if (DiagnoseEvery > 0) Diagnostics.PeriodicDiagnosis.Check(this);
        callback.OnTrainingStart(owner);
        while (NumTimesteps < totalTimesteps)
        {
            if (!CollectRollout(owner, callback)) break;
            callback.OnRolloutEnd(owner);
            // Measured before the update: the batch against the policy that collected it (issue 14).
            double? samplingError = Diagnostics.RolloutSamplingError.Measure(this);
            // progress_remaining in [0, 1]: the last rollout may overshoot the total by up to n_steps × n_envs - 1.
            var values = update(Math.Clamp(1.0 - (double)NumTimesteps / totalTimesteps, 0.0, 1.0));
            NumUpdates++;
            var metrics = NewMetrics(clock.Elapsed.TotalSeconds, startSteps);
            foreach (var (key, value) in values) metrics.Values[key] = value;
            if (samplingError is double error) metrics.Values[Diagnostics.RolloutSamplingError.Metric] = error;
            if (DiagnoseEvery > 0 && NumUpdates % DiagnoseEvery == 0) Diagnostics.PeriodicDiagnosis.AddTo(owner, this, metrics.Values);
            if (!callback.OnUpdateEnd(owner, metrics)) break;
        }
        callback.OnTrainingEnd(owner);
    }

    /// <summary>A metrics object with counters, episode statistics and SPS filled in.</summary>
    public UpdateMetrics NewMetrics(double wallSeconds, long timestepsAtStart)
    {
        var m = new UpdateMetrics { Timesteps = NumTimesteps, Updates = NumUpdates, WallSeconds = wallSeconds };
        foreach (var (r, l) in _sinceUpdate) { m.EpisodeReturns.Add(r); m.EpisodeLengths.Add(l); }
        _sinceUpdate.Clear();
        if (_recent.Count > 0)
        {
            m.Values["episode_return_mean"] = _recent.Average(e => e.Return);
            m.Values["episode_length_mean"] = _recent.Average(e => e.Length);
        }
        if (wallSeconds > 0) m.Values["sps"] = (NumTimesteps - timestepsAtStart) / wallSeconds;
        AddPartitionMetrics(m);
        return m;
    }

    /// <summary>The action for one raw observation (frozen normalization; Box actions clipped).</summary>
    public float[] Predict(ReadOnlySpan<float> observation, bool deterministic)
    {
        observation = EncodeDict(observation);
        if (observation.Length != ObservationSize)
            throw new ArgumentException($"the observation has {observation.Length} values, the env's observation space needs {ObservationSize}", nameof(observation));
        return PredictRows(observation, 1, deterministic, default);
    }

    /// <summary>The action for one raw observation among the actions <paramref name="actionMask"/> allows (<see cref="ActionMaskSize"/> entries, true = allowed).</summary>
    public float[] Predict(ReadOnlySpan<float> observation, ReadOnlySpan<bool> actionMask, bool deterministic)
    {
        observation = EncodeDict(observation);
        if (observation.Length != ObservationSize)
            throw new ArgumentException($"the observation has {observation.Length} values, the env's observation space needs {ObservationSize}", nameof(observation));
        int size = Environments.ActionMasks.Size(Env.SingleActionSpace);
        if (actionMask.Length != size)
            throw new ArgumentException($"the action mask has {actionMask.Length} entries, the action space {Env.SingleActionSpace} needs {size}", nameof(actionMask));
        return PredictRows(observation, 1, deterministic, actionMask);
    }

    /// <summary>
    /// Actions for a batch of raw observations, row-major [batch × ObservationSize] in, row-major
    /// [batch × ActionSize] out, in one forward pass (frozen normalization; Box actions clipped per row).
    /// </summary>
    public float[] Predict(ReadOnlySpan<float> observations, int batch, bool deterministic)
    {
        if (batch < 1) throw new ArgumentOutOfRangeException(nameof(batch), batch, "the batch must hold at least one observation");
        if (observations.Length != (long)batch * ObservationSize)
            throw new ArgumentException($"observations has {observations.Length} values, but a batch of {batch} needs shape [{batch}, {ObservationSize}] = {(long)batch * ObservationSize} values (rows of {ObservationSize}, row-major)", nameof(observations));
        return PredictRows(observations, batch, deterministic, default);
    }

    float[] PredictRows(ReadOnlySpan<float> observations, int batch, bool deterministic, ReadOnlySpan<bool> actionMasks)
    {
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        var normalized = new float[batch * ObservationSize];
        Normalization.NormalizeObservations(observations, normalized);
        var weights = Net.Weights();
        var (head, _) = Net.Forward(torch.tensor(normalized, [batch, ObservationSize], device: Device), weights);
        var mask = actionMasks.IsEmpty ? null : torch.tensor(actionMasks.ToArray(), [batch, actionMasks.Length / batch], device: Device);
        var dist = Net.Distribution(head, weights, mask);
        var actions = new float[batch * ActionSize];
        Read((deterministic ? dist.Mode() : dist.Sample(PredictGenerator)).reshape(batch * ActionSize), actions);
        if (_actionBox is not null)
            for (int i = 0; i < batch; i++) _actionBox.Clip(actions.AsSpan(i * ActionSize, ActionSize));
        return actions;
    }

    /// <summary>
    /// A Dict env's raw observation (the env's own flat form, as <c>Envs.Make</c> gives it) encoded as
    /// the policy reads it (<see cref="FlattenDictObservation"/>); any other observation unchanged.
    /// </summary>
    ReadOnlySpan<float> EncodeDict(ReadOnlySpan<float> observation)
    {
        if (_rawDict is null || observation.Length != _rawDict.FlatSize || _rawDict.FlatSize == ObservationSize) return observation;
        var encoded = new float[ObservationSize];
        FlattenDictObservation.Encode(_rawDict, observation, encoded);
        return encoded;
    }

    /// <summary>Writes the shared part of a checkpoint: weights, generators, counters, normalization, envs, episode window.</summary>
    public void Capture(TrainingState state)
    {
        for (int i = 0; i < Net.Parameters.Names.Count; i++)
            state.Tensors["policy." + Net.Parameters.Names[i]] = Net.Parameters.Get(Net.Parameters.Names[i]);
        state.Tensors["rng.torch"] = Generator.get_state().cpu().clone();
        state.Tensors["rng.predict"] = PredictGenerator.get_state().cpu().clone();
        state.Values["num_timesteps"] = NumTimesteps.ToString(CultureInfo.InvariantCulture);
        state.Values["num_updates"] = NumUpdates.ToString(CultureInfo.InvariantCulture);
        state.Values["episodes_recent"] = string.Join(";", _recent.Select(e => e.Return.ToString("R", CultureInfo.InvariantCulture) + "," + e.Length.ToString(CultureInfo.InvariantCulture)));
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            if (Partitions is not null) SavePartitions(w);
            else if (Env is not IStatefulEnv stateful)
                throw new NotSupportedException($"{Env.GetType().Name} does not implement IStatefulEnv, so the run cannot be checkpointed exactly");
            else stateful.SaveState(w);
            Normalization.Save(w);
        }
        state.EnvironmentState = ms.ToArray();
    }

    /// <summary>Restores what <see cref="Capture"/> wrote.</summary>
    public void Restore(TrainingState state)
    {
        foreach (string name in Net.Parameters.Names)
            Net.Parameters.Set(name, Require(state, "policy." + name));
        Generator.set_state(Require(state, "rng.torch"));
        if (state.Tensors.TryGetValue("rng.predict", out var p)) PredictGenerator.set_state(p);
        NumTimesteps = long.Parse(RequireValue(state, "num_timesteps"), CultureInfo.InvariantCulture);
        NumUpdates = int.Parse(RequireValue(state, "num_updates"), CultureInfo.InvariantCulture);
        _recent.Clear();
        _sinceUpdate.Clear();
        if (state.Values.TryGetValue("episodes_recent", out var recent) && recent.Length > 0)
            foreach (var item in recent.Split(';'))
            {
                var parts = item.Split(',');
                _recent.Enqueue((double.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture)));
            }
        using var r = new BinaryReader(new MemoryStream(state.EnvironmentState));
        if (RestorePartitions(r)) { Normalization.Load(r); return; }
        if (Env is not IStatefulEnv stateful)
            throw new NotSupportedException($"{Env.GetType().Name} does not implement IStatefulEnv, so the run cannot be restored");
        stateful.LoadState(r);
        Normalization.Load(r);
    }

    /// <summary>The tensor named <paramref name="name"/>, or a clear error.</summary>
    public static Tensor Require(TrainingState state, string name) => state.RequireTensor(name);

    /// <summary>The value named <paramref name="name"/>, or a clear error.</summary>
    public static string RequireValue(TrainingState state, string name) => state.RequireValue(name);

    public void Dispose()
    {
        Partitions?.Dispose();
        Buffer.Dispose();
        Net.Dispose();
        Net.Policy.Dispose();
        Generator.Dispose();
        PredictGenerator.Dispose();
        Env.Dispose();
    }
}
