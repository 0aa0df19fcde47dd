using PolicyGradient.Policies;
using PolicyGradient.Core;

namespace PolicyGradient.Algorithms;

/// <summary>Hyperparameters of <see cref="Trpo"/>. Defaults are sb3-contrib's TRPO defaults.</summary>
public sealed record TrpoOptions : OnPolicyOptions
{
    /// <summary>sb3-contrib's TRPO defaults for the shared options: learning_rate 1e-3 (the critic's Adam), n_steps 2048, n_envs 1, normalize_advantage true.</summary>
    public TrpoOptions()
    {
        LearningRate = 1e-3;
        NSteps = 2048;
        NEnvs = 1;
        NormalizeAdvantage = true;
    }

    /// <summary>Minibatch size of the critic updates. sb3-contrib: 128.</summary>
    [ConfigRange(1, 1e8)]
    public int BatchSize { get; init; } = 128;

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

    /// <summary>Trust-region bound δ on the mean KL(π_old ‖ π_new). sb3-contrib: 0.01.</summary>
    [ConfigRange(0, 10, MinimumExclusive = true)]
    public double TargetKl { get; init; } = 0.01;

    /// <inheritdoc />
    public override IEnumerable<string> Validate()
    {
        foreach (string problem in base.Validate()) yield return problem;
        long rollout = (long)NSteps * NEnvs;
        if (BatchSize > rollout)
            yield return $"batch_size ({BatchSize}) must be <= n_steps * n_envs ({NSteps} * {NEnvs} = {rollout}); lower batch_size or raise n_steps";
        if (!(TargetKl > 0)) yield return $"target_kl must be > 0, got {TargetKl}";
        if (Policy.ShareTrunk) yield return "TRPO needs separate actor and critic networks (the critic's Adam steps must not move the policy); set policy.share_trunk=false";
    }
}
