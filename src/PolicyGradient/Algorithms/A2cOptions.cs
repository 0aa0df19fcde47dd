using PolicyGradient.Policies;
using PolicyGradient.Core;

namespace PolicyGradient.Algorithms;

/// <summary>
/// Hyperparameters of <see cref="A2c"/>. Defaults are Stable-Baselines3's A2C defaults (which follow
/// OpenAI baselines): RMSprop, n_steps 5, no advantage normalization.
/// </summary>
public sealed record A2cOptions : IValidatableOptions
{
    /// <summary>Step size, constant or linear ("lin_7e-4"). SB3: 7e-4.</summary>
    [ConfigRange(0, 1, MinimumExclusive = true)]
    public Schedule LearningRate { get; init; } = 7e-4;

    /// <summary>Steps per environment per update. SB3: 5.</summary>
    [ConfigRange(1, 1e7)]
    public int NSteps { get; init; } = 5;

    /// <summary>Parallel environment copies. SB3 make_vec_env default: 1.</summary>
    [ConfigRange(1, 4096)]
    public int NEnvs { get; init; } = 1;

    /// <summary>Discount γ. SB3: 0.99.</summary>
    [ConfigRange(0, 1)]
    public double Gamma { get; init; } = 0.99;

    /// <summary>GAE λ; 1 gives n-step returns minus V (classic A2C). SB3: 1.0.</summary>
    [ConfigRange(0, 1)]
    public double GaeLambda { get; init; } = 1.0;

    /// <summary>Entropy bonus coefficient. SB3: 0.0.</summary>
    [ConfigRange(0, 1e3)]
    public double EntCoef { get; init; }

    /// <summary>Value loss coefficient. SB3: 0.5.</summary>
    [ConfigRange(0, 1e3)]
    public double VfCoef { get; init; } = 0.5;

    /// <summary>Global gradient-norm clip. SB3: 0.5.</summary>
    [ConfigRange(0, 1e6, MinimumExclusive = true)]
    public double MaxGradNorm { get; init; } = 0.5;

    /// <summary>RMSprop (true, SB3 default) or Adam with ε = 1e-5 (false).</summary>
    public bool UseRmsProp { get; init; } = true;

    /// <summary>RMSprop smoothing α. SB3: 0.99.</summary>
    [ConfigRange(0, 1)]
    public double RmsPropAlpha { get; init; } = 0.99;

    /// <summary>RMSprop ε. SB3: 1e-5.</summary>
    [ConfigRange(0, 1, MinimumExclusive = true)]
    public double RmsPropEps { get; init; } = 1e-5;

    /// <summary>Normalize advantages over each rollout. SB3: false.</summary>
    public bool NormalizeAdvantage { get; init; }

    /// <summary>Normalize observations with running statistics (VecNormalize norm_obs). Default false.</summary>
    public bool NormalizeObservations { get; init; }

    /// <summary>Scale rewards by the running std of the discounted return (VecNormalize norm_reward). Default false.</summary>
    public bool NormalizeRewards { get; init; }

    /// <summary>
    /// Compute path: auto (default) uses the native C# SIMD kernels (rollout inference, the loss and
    /// its gradient over the whole rollout, gradient clipping, RMSprop/Adam) for CPU MLP actor-critics
    /// with tanh/ReLU, Box observations and Discrete/Box actions, and libtorch otherwise; native
    /// forces it (an error where unsupported); libtorch forces the tensor path.
    /// </summary>
    public ComputeBackend Backend { get; init; } = ComputeBackend.Auto;

    /// <summary>Actor-critic network (net_arch, activation, ortho_init, log_std_init, share_trunk).</summary>
    public PolicyNetworkOptions Policy { get; init; } = new();

    /// <inheritdoc />
    public IEnumerable<string> Validate()
    {
        if (NormalizeAdvantage && (long)NSteps * NEnvs < 2)
            yield return "normalize_advantage needs n_steps * n_envs > 1; set normalize_advantage=false";
        if (LearningRate.Initial <= 0) yield return $"learning_rate must be > 0, got {LearningRate}";
    }
}
