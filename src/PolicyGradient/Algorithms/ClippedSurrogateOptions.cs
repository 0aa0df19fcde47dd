using PolicyGradient.Core;

namespace PolicyGradient.Algorithms;

/// <summary>
/// The keys of PPO's clipped-surrogate update (Schulman et al. 2017), shared by <see cref="PpoOptions"/> and
/// <see cref="RecurrentPpoOptions"/>: minibatch size, epochs, GAE λ, the clip ranges, the loss coefficients,
/// the gradient clip and the approx-KL early stop. Defaults are Stable-Baselines3's PPO defaults except where a
/// derived record's constructor says otherwise (sb3-contrib's RecurrentPPO: batch_size 128).
/// </summary>
public abstract record ClippedSurrogateOptions : OnPolicyOptions
{
    /// <summary>Minibatch size in steps. SB3: 64 (ppo-lstm: 128, whole sequences cut from consecutive steps).</summary>
    [ConfigRange(1, 1e8)]
    public int BatchSize { get; init; } = 64;

    /// <summary>Passes over each rollout (K epochs). SB3: 10.</summary>
    [ConfigRange(1, 1000)]
    public int NEpochs { get; init; } = 10;

    /// <summary>GAE λ. SB3: 0.95.</summary>
    [ConfigRange(0, 1)]
    public double GaeLambda { get; init; } = 0.95;

    /// <summary>Surrogate clip ε, constant or linear ("lin_0.2"). SB3: 0.2.</summary>
    [ConfigRange(0, 10, MinimumExclusive = true)]
    public Schedule ClipRange { get; init; } = 0.2;

    /// <summary>Value-function clip around the rollout's values; null disables it (SB3 default: None).</summary>
    [ConfigRange(0, 1e6, MinimumExclusive = true)]
    public double? ClipRangeVf { get; init; }

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

    /// <inheritdoc />
    public override IEnumerable<string> Validate()
    {
        foreach (string problem in base.Validate()) yield return problem;
        long rollout = (long)NSteps * NEnvs;
        if (BatchSize > rollout)
            yield return $"batch_size ({BatchSize}) must be <= n_steps * n_envs ({NSteps} * {NEnvs} = {rollout}); lower batch_size or raise n_steps";
        if (ClipRange.Initial <= 0) yield return $"clip_range must be > 0, got {ClipRange}";
    }
}
