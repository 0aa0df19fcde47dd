using PolicyGradient.Policies;
using PolicyGradient.Core;

namespace PolicyGradient.Algorithms;

/// <summary>
/// Hyperparameters of <see cref="Ppo"/>. Defaults are Stable-Baselines3's PPO defaults (SB3 2.x
/// <c>PPO.__init__</c>); config keys are the snake_case names (e.g. <c>n_steps</c>, <c>policy.net_arch</c>).
/// </summary>
public sealed record PpoOptions : OnPolicyOptions
{
    /// <summary>SB3's PPO defaults for the shared options: learning_rate 3e-4, n_steps 2048, n_envs 1, normalize_advantage true (per minibatch).</summary>
    public PpoOptions()
    {
        LearningRate = 3e-4;
        NSteps = 2048;
        NEnvs = 1;
        NormalizeAdvantage = true;
    }

    /// <summary>
    /// Where the rollout's actions come from: on_policy (default) the current policy; props a PROPS behaviour policy
    /// adapted within each rollout to reduce its sampling error (Corrado and Hanna 2024; docs/variance.md), settings in props.*.
    /// </summary>
    [ConfigAddedLater]   // new in December 2026 (issue 14); on_policy changes nothing
    public VarianceReduction.RolloutSampling Sampling { get; init; } = VarianceReduction.RolloutSampling.OnPolicy;

    /// <summary>PROPS's behaviour update (used when sampling is props).</summary>
    [ConfigAddedLater]   // new in December 2026 (issue 14)
    public VarianceReduction.PropsOptions Props { get; init; } = new();

    /// <summary>Minibatch size. SB3: 64.</summary>
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
        if (rollout < 2 && NormalizeAdvantage)
            yield return "normalize_advantage needs n_steps * n_envs > 1 (the std of one advantage is undefined); set normalize_advantage=false";
        if (ClipRange.Initial <= 0) yield return $"clip_range must be > 0, got {ClipRange}";
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
