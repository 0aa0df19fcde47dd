using PolicyGradient.Policies;
using PolicyGradient.Core;

namespace PolicyGradient.Algorithms;

/// <summary>Hyperparameters of <see cref="Trpo"/>. Defaults are sb3-contrib's TRPO defaults.</summary>
public sealed record TrpoOptions : IValidatableOptions
{
    /// <summary>Adam step size of the VALUE function (the policy moves by the natural-gradient step). sb3-contrib: 1e-3.</summary>
    [ConfigRange(0, 1, MinimumExclusive = true)]
    public Schedule LearningRate { get; init; } = 1e-3;

    /// <summary>Steps per environment per rollout. sb3-contrib: 2048.</summary>
    [ConfigRange(1, 1e7)]
    public int NSteps { get; init; } = 2048;

    /// <summary>Parallel environment copies. Default 1.</summary>
    [ConfigRange(1, 4096)]
    public int NEnvs { get; init; } = 1;

    /// <summary>Minibatch size of the critic updates. sb3-contrib: 128.</summary>
    [ConfigRange(1, 1e8)]
    public int BatchSize { get; init; } = 128;

    /// <summary>Discount γ. sb3-contrib: 0.99.</summary>
    [ConfigRange(0, 1)]
    public double Gamma { get; init; } = 0.99;

    /// <summary>GAE λ. sb3-contrib: 0.95.</summary>
    [ConfigRange(0, 1)]
    public double GaeLambda { get; init; } = 0.95;

    /// <summary>Conjugate-gradient iterations. sb3-contrib: 15.</summary>
    [ConfigRange(1, 1000)]
    public int CgMaxSteps { get; init; } = 15;

    /// <summary>Damping λ added to the Fisher matrix, (F + λI). sb3-contrib: 0.1.</summary>
    [ConfigRange(0, 1e3)]
    public double CgDamping { get; init; } = 0.1;

    /// <summary>Line-search step shrink factor. sb3-contrib: 0.8.</summary>
    [ConfigRange(0, 1, MinimumExclusive = true)]
    public double LineSearchShrinkingFactor { get; init; } = 0.8;

    /// <summary>Line-search evaluations. sb3-contrib: 10.</summary>
    [ConfigRange(1, 1000)]
    public int LineSearchMaxIter { get; init; } = 10;

    /// <summary>Critic epochs per rollout. sb3-contrib: 10.</summary>
    [ConfigRange(1, 1000)]
    public int NCriticUpdates { get; init; } = 10;

    /// <summary>Normalize advantages over the rollout. sb3-contrib: true.</summary>
    public bool NormalizeAdvantage { get; init; } = true;

    /// <summary>Trust-region bound δ on the mean KL(π_old ‖ π_new). sb3-contrib: 0.01.</summary>
    [ConfigRange(0, 10, MinimumExclusive = true)]
    public double TargetKl { get; init; } = 0.01;

    /// <summary>Normalize observations with running statistics. Default false.</summary>
    public bool NormalizeObservations { get; init; }

    /// <summary>Scale rewards by the running std of the discounted return. Default false.</summary>
    public bool NormalizeRewards { get; init; }

    /// <summary>
    /// Compute path: auto (default) uses the native C# SIMD kernels for rollout inference and the
    /// critic's minibatch updates (the trust-region policy step, with its Fisher-vector products,
    /// stays on libtorch autograd) for CPU MLP actor-critics with tanh/ReLU, Box observations and
    /// Discrete/Box actions, and libtorch otherwise; native forces it (an error where unsupported);
    /// libtorch forces the tensor path.
    /// </summary>
    public ComputeBackend Backend { get; init; } = ComputeBackend.Auto;

    /// <summary>Actor-critic network.</summary>
    public PolicyNetworkOptions Policy { get; init; } = new();

    /// <inheritdoc />
    public IEnumerable<string> Validate()
    {
        long rollout = (long)NSteps * NEnvs;
        if (BatchSize > rollout)
            yield return $"batch_size ({BatchSize}) must be <= n_steps * n_envs ({NSteps} * {NEnvs} = {rollout}); lower batch_size or raise n_steps";
        if (!(TargetKl > 0)) yield return $"target_kl must be > 0, got {TargetKl}";
        if (Policy.ShareTrunk) yield return "TRPO needs separate actor and critic networks (the critic's Adam steps must not move the policy); set policy.share_trunk=false";
    }
}
