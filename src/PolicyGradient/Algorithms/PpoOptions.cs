using PolicyGradient.Policies;
using PolicyGradient.Core;

namespace PolicyGradient.Algorithms;

/// <summary>
/// Hyperparameters of <see cref="Ppo"/>. Defaults are Stable-Baselines3's PPO defaults (SB3 2.x
/// <c>PPO.__init__</c>); config keys are the snake_case names (e.g. <c>n_steps</c>, <c>policy.net_arch</c>).
/// </summary>
public sealed record PpoOptions : ClippedSurrogateOptions
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

    /// <inheritdoc />
    public override IEnumerable<string> Validate()
    {
        foreach (string problem in base.Validate()) yield return problem;
        if ((long)NSteps * NEnvs < 2 && NormalizeAdvantage)
            yield return "normalize_advantage needs n_steps * n_envs > 1 (the std of one advantage is undefined); set normalize_advantage=false";
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
