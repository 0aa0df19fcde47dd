using PolicyGradient.Core;

namespace PolicyGradient.Algorithms;

/// <summary>
/// Hyperparameters of <see cref="Vrpg"/>, the momentum variance-reduced policy gradient. The shared on-policy keys
/// default as REINFORCE's (Adam 2e-3, 2 copies × 1000 steps, normalized advantages, value baseline); the new ones are
/// the momentum weight β of the STORM recursion and the clip c of the per-trajectory importance weights.
/// </summary>
public sealed record VrpgOptions : OnPolicyOptions
{
    /// <summary>Defaults for the shared options: learning_rate 2e-3 (Adam), n_steps 1000, n_envs 2, normalize_advantage true.</summary>
    public VrpgOptions()
    {
        LearningRate = 2e-3;
        NSteps = 1000;
        NEnvs = 2;
        NormalizeAdvantage = true;
    }

    /// <summary>
    /// β ∈ (0, 1] of d_t = g(τ_t; θ_t) + (1 − β)(d_{t−1} − w g(τ_t; θ_{t−1})): 1 is plain REINFORCE, smaller keeps more
    /// of the corrected previous direction. IS-MBPG lets β_t = c·η_t² fall with the step size; here it is constant. Default 0.5.
    /// </summary>
    [ConfigRange(0, 1, MinimumExclusive = true)]
    public double Beta { get; init; } = 0.5;

    /// <summary>c ≥ 1: each trajectory's weight π_{θ_{t−1}}(τ)/π_{θ_t}(τ) is clipped to [1/c, c] (<see cref="VarianceReduction.TrajectoryWeights"/>). Default 2.</summary>
    [ConfigRange(1, 1e6)]
    public double WeightClip { get; init; } = 2;

    /// <summary>Value loss coefficient (the learned baseline's critic, trained by its plain gradient, outside the recursion). Default 0.5.</summary>
    [ConfigRange(0, 1e3)]
    public double VfCoef { get; init; } = 0.5;

    /// <summary>Entropy bonus coefficient (outside the recursion). Default 0.</summary>
    [ConfigRange(0, 1e3)]
    public double EntCoef { get; init; }

    /// <summary>Global gradient-norm clip of the step (direction plus critic gradient). Default 0.5.</summary>
    [ConfigRange(0, 1e6, MinimumExclusive = true)]
    public double MaxGradNorm { get; init; } = 0.5;

    /// <summary>
    /// Every this many updates, measure the variance of d_t against the plain g_t on fresh paired batches at the
    /// current policy (<c>Diagnostics.VrpgVarianceProbe</c>; progress.csv columns vrpg/probe/…); 0 (default) never.
    /// </summary>
    [ConfigRange(0, 1_000_000)]
    public int VarianceProbeEvery { get; init; }

    /// <summary>K: paired batches (one rollout each) per probe, and as many more for its reference gradient. Default 8.</summary>
    [ConfigRange(2, 10_000)]
    public int VarianceProbeBatches { get; init; } = 8;

    /// <inheritdoc />
    public override IEnumerable<string> Validate()
    {
        foreach (string problem in base.Validate()) yield return problem;
        if (NSteps < 2) yield return "n_steps must be >= 2 so that a rollout can hold a complete episode";
        if (VarianceProbeEvery > 0 && (NormalizeObservations || NormalizeRewards))
            yield return "variance_probe_every plays its batches on its own env copy, whose normalization statistics would differ from the run's; set normalize_observations=false and normalize_rewards=false, or variance_probe_every=0";
    }
}
