using PolicyGradient.Core;

namespace PolicyGradient.Algorithms;

/// <summary>
/// The options DDPG, TD3 and SAC share, with Stable-Baselines3's names (<c>learning_rate</c>,
/// <c>buffer_size</c>, <c>learning_starts</c>, <c>batch_size</c>, <c>tau</c>, <c>gamma</c>,
/// <c>train_freq</c>, <c>gradient_steps</c>, <c>action_noise</c>, <c>noise_std</c>, <c>n_envs</c>,
/// <c>net_arch</c>, <c>n_steps</c>, <c>save_replay_buffer</c>, <c>backend</c>). The defaults that
/// differ per algorithm (learning rate, network sizes) are set by each derived record's constructor.
/// </summary>
public abstract record OffPolicyOptions : IValidatableOptions
{
    /// <summary>The action_noise values.</summary>
    public static readonly IReadOnlyList<string> NoiseKinds = ["none", "normal", "ornstein-uhlenbeck"];

    /// <summary>Adam step size of actor, critics and temperature, constant or linear ("lin_1e-3"); the default depends on the algorithm.</summary>
    [ConfigRange(0, 1, MinimumExclusive = true)]
    public Schedule LearningRate { get; init; } = 1e-3;

    /// <summary>Replay memory size in transitions. SB3: 1,000,000.</summary>
    [ConfigRange(1, 1e9)]
    public int BufferSize { get; init; } = 1_000_000;

    /// <summary>Environment steps of uniform random actions (and no gradient step) before learning starts. SB3: 100.</summary>
    [ConfigRange(0, 1e12)]
    public long LearningStarts { get; init; } = 100;

    /// <summary>Transitions per gradient step. SB3: 256.</summary>
    [ConfigRange(1, 1e8)]
    public int BatchSize { get; init; } = 256;

    /// <summary>Polyak coefficient τ of the target networks, in (0, 1]. SB3: 0.005.</summary>
    public double Tau { get; init; } = 0.005;

    /// <summary>Discount γ. SB3: 0.99.</summary>
    [ConfigRange(0, 1)]
    public double Gamma { get; init; } = 0.99;

    /// <summary>Vector-env steps (or, with train_freq_unit episode, finished episodes) between trainings. SB3: 1.</summary>
    [ConfigRange(1, 1e9)]
    public int TrainFreq { get; init; } = 1;

    /// <summary>What train_freq counts: step (vector-env steps, SB3's default) or episode (finished episodes over all env copies).</summary>
    [ConfigAddedLater]   // December 2026; before, train_freq always counted steps
    public TrainFrequencyUnit TrainFreqUnit { get; init; } = TrainFrequencyUnit.Step;

    /// <summary>
    /// Gradient steps per training (the update-to-data ratio is gradient_steps / (train_freq · n_envs)), or −1:
    /// as many as environment transitions were collected since the last training (SB3's −1). SB3: 1.
    /// </summary>
    public int GradientSteps { get; init; } = 1;

    /// <summary>Exploration noise added to the policy's action in [−1, 1] before clipping: none, normal or ornstein-uhlenbeck. SB3: none.</summary>
    public string ActionNoise { get; init; } = "none";

    /// <summary>σ of the action noise (the zoo's noise_std; the OU process uses θ = 0.15, dt = 0.01 as SB3). Default 0.1.</summary>
    [ConfigRange(0, 100)]
    public double NoiseStd { get; init; } = 0.1;

    /// <summary>Parallel environment copies. SB3: 1.</summary>
    [ConfigRange(1, 4096)]
    public int NEnvs { get; init; } = 1;

    /// <summary>Hidden layer sizes of the actor and of each critic (ReLU); the default depends on the algorithm.</summary>
    public int[] NetArch { get; init; } = [256, 256];

    /// <summary>n of n-step returns (1: one-step TD targets, SB3's default). Windows stop at episode ends.</summary>
    [ConfigRange(1, 1000)]
    public int NSteps { get; init; } = 1;

    /// <summary>Write the replay buffer into checkpoints (exact resume); null: on when the buffer takes under 1 GB.</summary>
    public bool? SaveReplayBuffer { get; init; }

    /// <summary>Environment steps between logged updates (progress.csv rows, checkpoints and evaluations happen at these boundaries). Default 1000.</summary>
    [ConfigRange(1, 1e9)]
    public int LogInterval { get; init; } = 1000;

    /// <summary>
    /// Compute path of the gradient steps: auto uses the native C# kernels where they are available
    /// (CPU, ReLU/tanh MLPs), else libtorch; native forces them (an error where unsupported); libtorch
    /// forces the tensor objectives with autograd.
    /// </summary>
    public ComputeBackend Backend { get; init; } = ComputeBackend.Auto;

    /// <inheritdoc />
    public virtual IEnumerable<string> Validate()
    {
        if (LearningRate.Initial <= 0) yield return $"learning_rate must be > 0, got {LearningRate}";
        if (!(Tau > 0 && Tau <= 1)) yield return $"tau must lie in (0, 1] (0.005 is the SAC/TD3 default, 1 copies the weights), got {Tau}";
        if (GradientSteps < 1 && GradientSteps != -1) yield return $"gradient_steps must be >= 1, or -1 for as many gradient steps as transitions collected since the last training, got {GradientSteps}";
        if (BatchSize > BufferSize) yield return $"batch_size ({BatchSize}) must be <= buffer_size ({BufferSize}); lower batch_size or raise buffer_size";
        if (BufferSize < NEnvs) yield return $"buffer_size ({BufferSize}) must be >= n_envs ({NEnvs}) (one row per env copy)";
        if (!NoiseKinds.Contains(ActionNoise)) yield return $"action_noise must be one of {string.Join(", ", NoiseKinds)}, got '{ActionNoise}'";
        if (NetArch.Length == 0 || NetArch.Any(h => h < 1)) yield return $"net_arch must list at least one hidden layer size >= 1, got [{string.Join(", ", NetArch)}]";
    }

    /// <summary>Rules that need the run length: learning_starts must leave steps to learn from.</summary>
    public IEnumerable<string> ValidateRunLength(long totalTimesteps)
    {
        if (LearningStarts >= totalTimesteps)
            yield return $"learning_starts ({LearningStarts}) must be < n_timesteps ({totalTimesteps}): no gradient step would run; lower learning_starts or raise n_timesteps";
    }
}
