using PolicyGradient.Core;

namespace PolicyGradient.VarianceReduction;

/// <summary>How an on-policy algorithm chooses the actions of its rollouts (config key <c>sampling</c> of ppo).</summary>
public enum RolloutSampling
{
    /// <summary>From the current policy (the default: plain on-policy sampling).</summary>
    OnPolicy,

    /// <summary>From a PROPS behaviour policy that steers the rollout towards what it has under-sampled (<see cref="PropsSampling"/>).</summary>
    Props,
}

/// <summary>
/// PROPS's behaviour-policy update (config keys <c>props.*</c>, used when <c>sampling: props</c>). Defaults are those
/// of the authors' code (Corrado and Hanna 2024): m = n/2, learning rate 1e-4, ε_PROPS 0.1, λ 0.1, target KL 0.01,
/// 16 epochs of 16 minibatches, gradient norm clipped at 0.5.
/// </summary>
public sealed record PropsOptions
{
    /// <summary>Behaviour updates every this many steps of each env copy within a rollout (the paper's m / n_envs); 0 = n_steps / 2.</summary>
    [ConfigRange(0, 1e7)]
    public int UpdateEvery { get; init; }

    /// <summary>Adam step size of the behaviour update.</summary>
    [ConfigRange(0, 1, MinimumExclusive = true)]
    public double LearningRate { get; init; } = 1e-4;

    /// <summary>ε_PROPS: a pair stops pushing once π_φ(a|s) &lt; (1 − ε) π_θ(a|s).</summary>
    [ConfigRange(0, 1, MinimumExclusive = true)]
    public double ClipRange { get; init; } = 0.1;

    /// <summary>λ: weight of D_KL(π_θ ‖ π_φ) in the behaviour loss.</summary>
    [ConfigRange(0, 1e6)]
    public double KlWeight { get; init; } = 0.1;

    /// <summary>δ_PROPS: the behaviour update stops once the approximate KL of π_φ from π_θ on a minibatch exceeds it.</summary>
    [ConfigRange(0, 1e6, MinimumExclusive = true)]
    public double TargetKl { get; init; } = 0.01;

    /// <summary>Passes over the rollout's data so far per behaviour update.</summary>
    [ConfigRange(1, 1000)]
    public int Epochs { get; init; } = 16;

    /// <summary>Minibatches per pass.</summary>
    [ConfigRange(1, 1e6)]
    public int Minibatches { get; init; } = 16;

    /// <summary>Gradient-norm clip of the behaviour update.</summary>
    [ConfigRange(0, 1e6, MinimumExclusive = true)]
    public double MaxGradNorm { get; init; } = 0.5;

    /// <summary>
    /// Move only the action head (the policy's output layer) and log σ; the hidden layers and the critic stay θ's (the
    /// authors' later code's <c>props_freeze_features</c>). The behaviour then shifts the action distribution within the
    /// span of θ's features rather than per visited state.
    /// </summary>
    [ConfigAddedLater]
    public bool FreezeFeatures { get; init; }
}
