using PolicyGradient.Policies;
using PolicyGradient.Core;

namespace PolicyGradient.Algorithms;

/// <summary>
/// Hyperparameters of <see cref="Ppo"/>. Defaults are Stable-Baselines3's PPO defaults (SB3 2.x
/// <c>PPO.__init__</c>); config keys are the snake_case names (e.g. <c>n_steps</c>, <c>policy.net_arch</c>).
/// </summary>
public sealed record PpoOptions : IValidatableOptions
{
    /// <summary>Adam step size, constant or linear to 0 ("lin_3e-4"). SB3: 3e-4.</summary>
    [ConfigRange(0, 1, MinimumExclusive = true)]
    public Schedule LearningRate { get; init; } = 3e-4;

    /// <summary>Steps per environment per rollout (T). SB3: 2048.</summary>
    [ConfigRange(1, 1e7)]
    public int NSteps { get; init; } = 2048;

    /// <summary>Parallel environment copies (N); a rollout holds N·T transitions. SB3 make_vec_env default: 1.</summary>
    [ConfigRange(1, 4096)]
    public int NEnvs { get; init; } = 1;

    /// <summary>Minibatch size. SB3: 64.</summary>
    [ConfigRange(1, 1e8)]
    public int BatchSize { get; init; } = 64;

    /// <summary>Passes over each rollout (K epochs). SB3: 10.</summary>
    [ConfigRange(1, 1000)]
    public int NEpochs { get; init; } = 10;

    /// <summary>Discount γ. SB3: 0.99.</summary>
    [ConfigRange(0, 1)]
    public double Gamma { get; init; } = 0.99;

    /// <summary>GAE λ. SB3: 0.95.</summary>
    [ConfigRange(0, 1)]
    public double GaeLambda { get; init; } = 0.95;

    /// <summary>Surrogate clip ε, constant or linear ("lin_0.2"). SB3: 0.2.</summary>
    [ConfigRange(0, 10, MinimumExclusive = true)]
    public Schedule ClipRange { get; init; } = 0.2;

    /// <summary>Value-function clip around the rollout's values; null disables it (SB3 default: None).</summary>
    [ConfigRange(0, 1e6, MinimumExclusive = true)]
    public double? ClipRangeVf { get; init; }

    /// <summary>Normalize advantages per minibatch. SB3: true.</summary>
    public bool NormalizeAdvantage { get; init; } = true;

    /// <summary>Entropy bonus coefficient. SB3: 0.0.</summary>
    [ConfigRange(0, 1e3)]
    public double EntCoef { get; init; }

    /// <summary>Value loss coefficient. SB3: 0.5.</summary>
    [ConfigRange(0, 1e3)]
    public double VfCoef { get; init; } = 0.5;

    /// <summary>Global gradient-norm clip. SB3: 0.5.</summary>
    [ConfigRange(0, 1e6, MinimumExclusive = true)]
    public double MaxGradNorm { get; init; } = 0.5;

    /// <summary>Stop the epochs of an update once approx-KL exceeds 1.5 × this; null disables (SB3: None).</summary>
    [ConfigRange(0, 1e3, MinimumExclusive = true)]
    public double? TargetKl { get; init; }

    /// <summary>Normalize observations with running statistics (SB3 VecNormalize norm_obs; zoo "normalize: true"). Default false.</summary>
    public bool NormalizeObservations { get; init; }

    /// <summary>Scale rewards by the running std of the discounted return (VecNormalize norm_reward). Default false.</summary>
    public bool NormalizeRewards { get; init; }

    /// <summary>
    /// Compute path: auto (default) uses the native C# SIMD kernels for CPU MLP actor-critics with
    /// tanh/ReLU, Box observations and Discrete/Box actions — 3-4× faster on small networks, where
    /// libtorch's per-op overhead dominates — and libtorch otherwise; native forces it (an error where
    /// unsupported); libtorch forces the tensor path. Both compute the same update up to float rounding.
    /// </summary>
    public ComputeBackend Backend { get; init; } = ComputeBackend.Auto;

    /// <summary>Actor-critic network (net_arch, activation, ortho_init, log_std_init, share_trunk).</summary>
    public PolicyNetworkOptions Policy { get; init; } = new();

    /// <inheritdoc />
    public IEnumerable<string> Validate()
    {
        long rollout = (long)NSteps * NEnvs;
        if (BatchSize > rollout)
            yield return $"batch_size ({BatchSize}) must be <= n_steps * n_envs ({NSteps} * {NEnvs} = {rollout}); lower batch_size or raise n_steps";
        if (rollout < 2 && NormalizeAdvantage)
            yield return "normalize_advantage needs n_steps * n_envs > 1 (the std of one advantage is undefined); set normalize_advantage=false";
        if (ClipRange.Initial <= 0) yield return $"clip_range must be > 0, got {ClipRange}";
        if (LearningRate.Initial <= 0) yield return $"learning_rate must be > 0, got {LearningRate}";
    }

    /// <summary>
    /// Non-fatal advice (SB3 warns the same): a rollout that batch_size does not divide leaves a
    /// smaller last minibatch in each epoch.
    /// </summary>
    public IEnumerable<string> Warnings()
    {
        long rollout = (long)NSteps * NEnvs;
        if (BatchSize <= rollout && rollout % BatchSize != 0)
            yield return $"n_steps * n_envs = {rollout} is not a multiple of batch_size = {BatchSize}: each epoch ends with a minibatch of {rollout % BatchSize}";
    }
}
