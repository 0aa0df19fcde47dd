using PolicyGradient.Algorithms.OffPolicy;
using PolicyGradient.Algorithms.OnPolicy;
using PolicyGradient.Buffers;
using PolicyGradient.Core;
using PolicyGradient.Environments.Spaces;
using PolicyGradient.Environments.Vector;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Algorithms;

/// <summary>
/// The loop DDPG, TD3 and SAC share (Stable-Baselines3's OffPolicyAlgorithm): act in the vector env
/// (uniform random actions for the first learning_starts steps, then the policy, plus action noise),
/// store every step in the replay buffer (Box actions as the policy's [−1, 1] values, rescaled to the
/// bounds only for the env), and after every train_freq vector steps run gradient_steps gradient steps
/// on sampled batches. Each algorithm file builds its networks and gradient step
/// (<see cref="OffPolicy.IOffPolicyStep"/>). Metrics, checkpoints and evaluations happen every
/// log_interval environment steps (one "update" of the run layer).
/// </summary>
public abstract partial class OffPolicyAlgorithm<TOptions> : IAlgorithm, IActionValueEstimator, IRebuildableAlgorithm where TOptions : OffPolicyOptions, new()
{
    /// <summary>|mean Q| beyond this stops the run (divergence guard): Q values of a sane critic are bounded by r_max/(1 − γ).</summary>
    public const double MaxAbsMeanQ = 1e6;

    readonly Box? _box;
    readonly Discrete? _discrete;
    readonly float[] _observations, _bufferActions, _envActions;
    OffPolicyParts _parts = null!;
    IOffPolicyActor _actor = null!;
    IOffPolicyStep _step = null!;
    ReplayBatch _batch = null!;
    ActionNoiseProcess _noise = null!;
    readonly OffPolicyEpisodes _episodes = new();
    readonly OffPolicyMetrics _metrics = new();
    long _gradientSteps, _lastReport;
    int _phaseSteps, _phaseEpisodes;
    OffPolicyStepMetrics _lastStep;

    private protected OffPolicyAlgorithm(string envId, TOptions? options, long seed, Device? device)
        : this(OnPolicyCore.MakeVectorEnv(envId, Checked(options).NEnvs, null), options, seed, device) =>
        Source = new AlgorithmContext(envId, seed, Device);

    private protected OffPolicyAlgorithm(TOptions options, AlgorithmContext context)
        : this(OnPolicyCore.MakeVectorEnv(context.EnvId, Checked(options).NEnvs, context.EnvKwargs), options, context.Seed, context.Device, context.Deterministic)
    {
        Source = context;
        if (context.Deterministic) torch.set_num_threads(1);
    }

    private protected OffPolicyAlgorithm(IVectorEnv env, TOptions? options, long seed, Device? device, bool deterministic = false)
    {
        Env = env;
        Options = Checked(options) with { NEnvs = env.NumEnvs };
        Device = device ?? torch.CPU;
        Seed = seed;
        Deterministic = deterministic;
        _box = env.SingleActionSpace as Box;
        _discrete = env.SingleActionSpace as Discrete;
        if (_box is null && _discrete is null)
            throw new ArgumentException($"off-policy algorithms need a Box or Discrete action space, the env has {env.SingleActionSpace}");
        if (env is IActionMaskSource { ActionMasks: not null })
            throw new ArgumentException("the env provides action masks (IActionMaskProvider) and the off-policy algorithms do not use them yet; train it with ppo, a2c or reinforce (masked), or remove the mask provider");
        if (_box is { IsBounded: false })
            throw new ArgumentException($"the action space {_box} has infinite bounds; DDPG, TD3 and SAC squash actions into [-1, 1] and rescale them to finite bounds (wrap the env to bound its actions)");
        ObservationSize = env.SingleObservationSpace.FlatSize;
        ActionSize = _discrete is null ? _box!.FlatSize : 1;
        _observations = new float[env.NumEnvs * ObservationSize];
        _bufferActions = new float[env.NumEnvs * ActionSize];
        _envActions = new float[env.NumEnvs * ActionSize];
        // Weight init, replay sampling, exploration and step noise all draw from this generator (checkpointed as "rng.torch").
        Generator = new torch.Generator((ulong)seed);
        PredictGenerator = new torch.Generator((ulong)seed + 1);
    }

    static TOptions Checked(TOptions? options) => OptionsValidation.Checked(options);

    /// <summary>
    /// Builds the algorithm's parts (from the derived constructor): networks from the generator, the
    /// step for the backend, the replay buffer (its memory checked first), then resets the envs.
    /// </summary>
    private protected void Initialize(Func<OffPolicyParts> build)
    {
        try
        {
            _parts = build();
            (_step, Backend) = OffPolicyStepFactory.Create(_parts.Request, Options.Backend, Device.type == DeviceType.CPU);
            _actor = Backend == "native" && NativeOffPolicyActor.Supports(_parts.Networks, _parts.ActorKind)
                ? new NativeOffPolicyActor(_parts.Networks, _parts.ActorKind, ActionSize)
                : new TensorOffPolicyActor(_parts.Networks, _parts.ActorKind, ActionSize);
            Buffer = new ReplayBuffer(Options.BufferSize, Env.NumEnvs, ObservationSize, ActionSize, Options.NSteps, Options.Gamma);
            _batch = Buffer.CreateBatch(Options.BatchSize);
            _noise = new ActionNoiseProcess(Options.ActionNoise, Options.NoiseStd, Env.NumEnvs, ActionSize);
            SavesReplayBuffer = Options.SaveReplayBuffer
                ?? ReplayBuffer.RequiredBytes(Options.BufferSize, Env.NumEnvs, ObservationSize, ActionSize) < 1L << 30;
            Env.Reset(Seed); // copy i gets seed + i
        }
        catch { Dispose(); throw; }
    }

    /// <summary>The options in use.</summary>
    public TOptions Options { get; }

    /// <inheritdoc />
    public abstract string Name { get; }

    /// <inheritdoc />
    public string Backend { get; private set; } = "libtorch";

    /// <summary>The training envs.</summary>
    public IVectorEnv Env { get; }

    /// <summary>Tensor device of the networks.</summary>
    public Device Device { get; }

    /// <summary>The run seed.</summary>
    public long Seed { get; }

    /// <summary>--deterministic: one thread, results independent of timing.</summary>
    private protected bool Deterministic { get; }

    internal bool IsDeterministic => Deterministic;

    /// <summary>The registered env id, seed and kwargs this algorithm was built from (null for a vector env you built).</summary>
    public AlgorithmContext? Source { get; }

    /// <summary>Floats per observation.</summary>
    public int ObservationSize { get; }

    /// <summary>Floats per stored action (the action dimension; 1 for Discrete, the index).</summary>
    public int ActionSize { get; }

    /// <summary>The Discrete action space, or null for Box actions.</summary>
    private protected Discrete? DiscreteActions => _discrete;

    /// <summary>The replay memory.</summary>
    public ReplayBuffer Buffer { get; private set; } = null!;

    /// <summary>Whether checkpoints include the replay buffer (save_replay_buffer, default: when it takes under 1 GB).</summary>
    public bool SavesReplayBuffer { get; private set; }

    /// <summary>The run's generator: weight init, replay sampling, exploration, step noise.</summary>
    public torch.Generator Generator { get; }

    /// <summary>The generator of stochastic <see cref="Predict(ReadOnlySpan{float}, bool)"/> calls (kept apart so evaluation does not move training's draws).</summary>
    public torch.Generator PredictGenerator { get; }

    /// <summary>The trainable state (flat parameter buffers and Adam moments).</summary>
    internal OffPolicyNetworks Networks => _parts.Networks;

    /// <inheritdoc />
    public long NumTimesteps { get; private set; }

    /// <inheritdoc />
    public int NumUpdates { get; private set; }

    IVectorEnv IRebuildableAlgorithm.TrainingEnv => Env;
    object IRebuildableAlgorithm.OptionsRecord => Options;

    /// <summary>Gradient steps taken over the run (SB3's _n_updates).</summary>
    public long GradientStepsDone => _gradientSteps;
}
