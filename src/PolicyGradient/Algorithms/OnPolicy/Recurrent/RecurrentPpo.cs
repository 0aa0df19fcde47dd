using PolicyGradient.Algorithms.OffPolicy;
using PolicyGradient.Algorithms.OnPolicy;
using PolicyGradient.Algorithms.OnPolicy.Recurrent;
using PolicyGradient.Buffers;
using PolicyGradient.Core;
using PolicyGradient.Environments.Spaces;
using PolicyGradient.Environments.Vector;
using PolicyGradient.Objectives;
using PolicyGradient.Optimizers;
using PolicyGradient.Policies;
using PolicyGradient.Policies.Recurrent;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Algorithms;

/// <summary>
/// Recurrent PPO (<c>pg train ppo-lstm</c>; sb3-contrib's RecurrentPPO with MlpLstmPolicy): PPO whose
/// actor and critic read the observation through LSTMs (<see cref="RecurrentActorCritic"/>), for
/// partially observable tasks such as CartPoleNoVel-v1. The hidden state of every env copy is carried
/// through the rollout and zeroed at episode starts; the rollout stores the state each step acted
/// from; the update cuts the rollout into whole sequences (<see cref="SequenceMinibatch"/>) and unrolls
/// each from its stored state. The rest — GAE with truncation bootstrapping, the clipped surrogate,
/// value loss, entropy bonus, advantage normalization, gradient clipping, Adam (ε 1e-5), annealing,
/// VecNormalize-style normalization — is PPO as <see cref="Ppo"/> does it.
/// Usage: <c>using var ppo = new RecurrentPpo("CartPoleNoVel-v1", options); ppo.Learn(100_000);</c>;
/// <see cref="Predict(ReadOnlySpan{float}, bool)"/> carries the state between calls, <see cref="ResetState"/> starts a new episode.
/// </summary>
public sealed partial class RecurrentPpo : IAlgorithm, IRebuildableAlgorithm, IMaskedPredictor, IRecurrentPolicy
{
    readonly RecurrentActorCritic _net;
    readonly FlatAdam _optimizer;
    readonly RecurrentPpoStep _step;
    readonly OffPolicyEpisodes _episodes = new();

    /// <summary>Recurrent PPO on <paramref name="options"/>.NEnvs copies of a registered environment.</summary>
    public RecurrentPpo(string envId, RecurrentPpoOptions? options = null, long seed = 0, Device? device = null)
        : this(OnPolicyCore.MakeVectorEnv(envId, Checked(options).NEnvs, null), options, seed, device) =>
        Source = new AlgorithmContext(envId, seed, Device);

    /// <summary>Recurrent PPO as the run layer builds it (registry entry "ppo-lstm").</summary>
    public RecurrentPpo(RecurrentPpoOptions options, AlgorithmContext context)
        : this(OnPolicyCore.MakeVectorEnv(context.EnvId, Checked(options).NEnvs, context.EnvKwargs), options, context.Seed, context.Device)
    {
        Source = context;
        if (context.Deterministic) torch.set_num_threads(1);
    }

    /// <summary>Recurrent PPO on a vector env you built (its NumEnvs overrides <c>n_envs</c>).</summary>
    public RecurrentPpo(IVectorEnv env, RecurrentPpoOptions? options = null, long seed = 0, Device? device = null)
    {
        Options = Checked(options) with { NEnvs = env.NumEnvs };
        Env = env;
        Device = device ?? torch.CPU;
        Seed = seed;
        try
        {
            if (Options.NormalizeObservations && env.SingleObservationSpace is not Box)
                throw new ArgumentException($"normalize_observations needs a Box observation space, the env has {env.SingleObservationSpace}; set normalize_observations=false");
            var shape = new LstmShape(Options.LstmHiddenSize, Options.NLstmLayers, Options.SharedLstm, Options.EnableCriticLstm);
            // Weights from torch's global generator seeded with the run seed (as the other algorithms).
            lock (InitLock)
            {
                torch.random.manual_seed(seed);
                _net = new RecurrentActorCritic(env.SingleObservationSpace, env.SingleActionSpace, Options.Policy, shape, Device);
            }
            Generator = new torch.Generator((ulong)seed, Device);
            PredictGenerator = new torch.Generator((ulong)seed + 1, Device);
            ObservationSize = env.SingleObservationSpace.FlatSize;
            ActionSize = env.SingleActionSpace.FlatSize;
            _actionBox = env.SingleActionSpace as Box;
            _maskSource = Options.UseActionMasks && env is IActionMaskSource { ActionMasks: not null } source ? source : null;
            Normalization = new VecNormalization(env.NumEnvs, ObservationSize, Options.NormalizeObservations, Options.NormalizeRewards, Options.Gamma);
            Buffer = new RolloutBuffer(Options.NSteps, env.NumEnvs, ObservationSize, ActionSize, _maskSource?.ActionMaskSize ?? 0);
            Stored = new RecurrentRolloutStates(Options.NSteps, env.NumEnvs, shape.Layers, shape.HiddenSize, _net.CriticHasState ? 4 : 2, Device);
            _optimizer = new FlatAdam(_net.Parameters, epsilon: 1e-5);
            _step = new RecurrentPpoStep(_net, Buffer, Stored, _optimizer, Options, Device);
            int n = env.NumEnvs;
            (_actions, _logProbs, _values) = (new float[n * ActionSize], new float[n], new float[n]);
            _envStep = new RolloutEnvStep(env, Normalization, Buffer);
            _states = _net.InitialStates(n).Keep();
            _episodeStarts = Enumerable.Repeat(true, n).ToArray(); // sb3-contrib: every copy starts an episode
            env.Reset(seed); // copy i gets seed + i
            Normalization.ObserveObservations(env.Observations);
        }
        catch
        {
            _net?.Dispose();
            env.Dispose();
            throw;
        }
    }

    static readonly object InitLock = new();

    static RecurrentPpoOptions Checked(RecurrentPpoOptions? options) => OptionsValidation.Checked(options);

    /// <summary>The options in use.</summary>
    public RecurrentPpoOptions Options { get; }

    /// <inheritdoc />
    public string Name => "ppo-lstm";

    /// <inheritdoc />
    public long NumTimesteps { get; private set; }

    /// <inheritdoc />
    public int NumUpdates { get; private set; }

    /// <summary>The training envs.</summary>
    public IVectorEnv Env { get; }

    /// <summary>The tensor device.</summary>
    public Device Device { get; }

    /// <summary>The run seed.</summary>
    public long Seed { get; }

    /// <summary>The registered env id, seed and kwargs this algorithm was built from (null for a vector env the caller built).</summary>
    public AlgorithmContext? Source { get; }

    internal RecurrentActorCritic Network => _net;
    internal RolloutBuffer Buffer { get; }
    internal RecurrentRolloutStates Stored { get; }
    internal VecNormalization Normalization { get; }
    internal torch.Generator Generator { get; }
    internal torch.Generator PredictGenerator { get; }
    internal int ObservationSize { get; }
    internal int ActionSize { get; }

    IVectorEnv IRebuildableAlgorithm.TrainingEnv => Env;
    object IRebuildableAlgorithm.OptionsRecord => Options;

    /// <inheritdoc />
    public void Learn(long totalTimesteps, ITrainingCallback? callback = null)
    {
        callback ??= NoCallback.Instance;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        long startSteps = NumTimesteps;
        callback.OnTrainingStart(this);
        while (NumTimesteps < totalTimesteps)
        {
            if (!CollectRollout(callback)) break;
            callback.OnRolloutEnd(this);
            double progressRemaining = Math.Clamp(1.0 - (double)NumTimesteps / totalTimesteps, 0.0, 1.0);
            var values = Update(Options.LearningRate.Value(progressRemaining), Options.ClipRange.Value(progressRemaining));
            NumUpdates++;
            double seconds = clock.Elapsed.TotalSeconds;
            var metrics = new UpdateMetrics { Timesteps = NumTimesteps, Updates = NumUpdates, WallSeconds = seconds };
            _episodes.Report(metrics);
            if (seconds > 0) metrics.Values["sps"] = (NumTimesteps - startSteps) / seconds;
            foreach (var (key, value) in values) metrics.Values[key] = value;
            if (!callback.OnUpdateEnd(this, metrics)) break;
        }
        callback.OnTrainingEnd(this);
    }

    Dictionary<string, double> Update(double learningRate, double clipRange)
    {
        Buffer.ComputeAdvantages(Options.Gamma, Options.GaeLambda);
        int total = Buffer.NumSteps * Buffer.NumEnvs, minibatches = 0, epochs = 0;
        int? earlyStop = null;
        _step.BeginUpdate();
        for (int epoch = 0; epoch < Options.NEpochs && earlyStop is null; epoch++, epochs++)
        {
            // sb3-contrib: the env-major rollout rotated by a random offset each epoch, cut into chunks of batch_size.
            foreach (var batch in SequenceMinibatch.Epoch(Buffer.NumSteps, Buffer.NumEnvs, Stored.EpisodeStarts, Options.BatchSize, DrawOffset(total)))
            {
                if (!_step.Step(batch, learningRate, clipRange)) { earlyStop = epoch; break; }
                minibatches++;
            }
        }
        var s = _step.EndUpdate();
        double d = Math.Max(minibatches, 1);
        var metrics = new Dictionary<string, double>
        {
            ["policy_loss"] = s[0] / d, ["value_loss"] = s[1] / d, ["entropy"] = s[2] / d, ["approx_kl"] = s[3] / d,
            ["clip_fraction"] = s[4] / d, ["grad_norm"] = s[5] / d,
            ["explained_variance"] = ExplainedVariance.Compute(Buffer.Values, Buffer.Returns),
            ["learning_rate"] = learningRate, ["clip_range"] = clipRange, ["n_epochs_done"] = epochs,
        };
        if (earlyStop is int stop) metrics["early_stop_epoch"] = stop;
        return metrics;
    }

    /// <summary>The epoch's rotation, drawn from the run's generator (reproducible, checkpointed as "rng.torch").</summary>
    int DrawOffset(int total)
    {
        using var scope = torch.NewDisposeScope();
        return (int)torch.randint(total, [1], generator: Generator).cpu().item<long>();
    }
}
