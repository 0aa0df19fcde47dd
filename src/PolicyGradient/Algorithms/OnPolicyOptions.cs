using PolicyGradient.Core;
using PolicyGradient.Policies;

namespace PolicyGradient.Algorithms;

/// <summary>
/// The options every on-policy algorithm here shares (config keys <c>learning_rate</c>, <c>n_steps</c>,
/// <c>n_envs</c>, <c>gamma</c>, <c>normalize_advantage</c>, <c>normalize_observations</c>,
/// <c>normalize_rewards</c>, <c>backend</c>, <c>policy.*</c>). The defaults that differ between
/// algorithms (step size, rollout length, copies, advantage normalization) are set by each derived
/// record's constructor and listed in its summary.
/// </summary>
public abstract record OnPolicyOptions : IValidatableOptions
{
    /// <summary>Step size, constant or linear to 0 ("lin_3e-4"); the default depends on the algorithm.</summary>
    [ConfigRange(0, 1, MinimumExclusive = true)]
    public Schedule LearningRate { get; init; } = 3e-4;

    /// <summary>Steps per environment per rollout (T); the default depends on the algorithm.</summary>
    [ConfigRange(1, 1e7)]
    public int NSteps { get; init; } = 2048;

    /// <summary>Parallel environment copies (N); a rollout holds N·T transitions. SB3 make_vec_env default: 1.</summary>
    [ConfigRange(1, 4096)]
    public int NEnvs { get; init; } = 1;

    /// <summary>Discount γ. SB3: 0.99.</summary>
    [ConfigRange(0, 1)]
    public double Gamma { get; init; } = 0.99;

    /// <summary>Normalize advantages (per minibatch for PPO, per rollout otherwise); the default depends on the algorithm.</summary>
    public bool NormalizeAdvantage { get; init; } = true;

    /// <summary>Normalize observations with running statistics (SB3 VecNormalize norm_obs; zoo "normalize: true"). Default false.</summary>
    public bool NormalizeObservations { get; init; }

    /// <summary>Scale rewards by the running std of the discounted return (VecNormalize norm_reward). Default false.</summary>
    public bool NormalizeRewards { get; init; }

    /// <summary>
    /// Compute path: auto (default) uses the native C# SIMD kernels for CPU MLP actor-critics with
    /// tanh/ReLU, Box observations and Discrete/Box actions — several times faster on small networks,
    /// where libtorch's per-op overhead dominates — and libtorch otherwise; native forces it (an error
    /// where unsupported); libtorch forces the tensor path. Both compute the same update up to float
    /// rounding (the native path covers the rollout, the losses and their gradients, TRPO's
    /// Fisher-vector products, gradient clipping and the optimizers).
    /// </summary>
    [ConfigAddedLater]   // new for A2C, REINFORCE and TRPO in December 2026 (PPO always had it)
    public ComputeBackend Backend { get; init; } = ComputeBackend.Auto;

    /// <summary>
    /// Invalid action masking (Huang and Ontañón 2020; sb3-contrib's MaskablePPO): when the env provides
    /// action masks (IActionMaskProvider, ActionMasker) sample, evaluate log-probs and the entropy under
    /// them (default true). false ignores the masks: the policy sees every action (the unmasked
    /// baseline; the env then applies its own rule to invalid actions, e.g. a penalty).
    /// </summary>
    [ConfigAddedLater]   // new in December 2026 (issue 15); true changes nothing for envs without masks
    public bool UseActionMasks { get; init; } = true;

    /// <summary>
    /// Every this many updates, measure the gradient estimators' variance at the current policy (the
    /// <c>pg diagnose gradients</c> diagnosis with K = 8 batches of one rollout's size, the default estimators)
    /// and log total variance, GSNR and cosine to the reference per estimator as progress.csv columns
    /// diag/&lt;estimator&gt;/…; 0 (default) never. Needs a network the native kernels compute.
    /// </summary>
    [ConfigAddedLater]   // new in December 2026 (issue 14); 0 changes nothing
    [ConfigRange(0, 1_000_000)]
    public int DiagnoseEvery { get; init; }

    /// <summary>Actor-critic network (net_arch, activation, ortho_init, log_std_init, share_trunk).</summary>
    public PolicyNetworkOptions Policy { get; init; } = new();

    /// <inheritdoc />
    public virtual IEnumerable<string> Validate()
    {
        if (LearningRate.Initial <= 0) yield return $"learning_rate must be > 0, got {LearningRate}";
    }
}
