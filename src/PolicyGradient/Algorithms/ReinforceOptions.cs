using PolicyGradient.Policies;
using PolicyGradient.Core;

namespace PolicyGradient.Algorithms;

/// <summary>
/// Hyperparameters of <see cref="Reinforce"/>. Neither SB3 nor CleanRL ships REINFORCE, so these
/// defaults are this library's choice: γ 0.99 as SB3, and Adam 2e-3 with 2 copies × 1000 steps, which
/// reached an evaluation mean of 500 on CartPole-v1 within 300k steps (docs/results.md).
/// </summary>
public sealed record ReinforceOptions : OnPolicyOptions
{
    /// <summary>Defaults for the shared options: learning_rate 2e-3 (Adam), n_steps 1000, n_envs 2, normalize_advantage true (over each batch, variance reduction).</summary>
    public ReinforceOptions()
    {
        LearningRate = 2e-3;
        NSteps = 1000;
        NEnvs = 2;
        NormalizeAdvantage = true;
    }

    /// <summary>The baseline. Default <see cref="ReinforceBaseline.Value"/>.</summary>
    public ReinforceBaseline Baseline { get; init; } = ReinforceBaseline.Value;

    /// <summary>Momentum of the running-mean baseline, b ← m·b + (1 − m)·mean(G). Default 0.9.</summary>
    [ConfigRange(0, 1)]
    public double BaselineMomentum { get; init; } = 0.9;

    /// <summary>Value loss coefficient (learned baseline). Default 0.5.</summary>
    [ConfigRange(0, 1e3)]
    public double VfCoef { get; init; } = 0.5;

    /// <summary>Entropy bonus coefficient. Default 0.</summary>
    [ConfigRange(0, 1e3)]
    public double EntCoef { get; init; }

    /// <summary>Global gradient-norm clip. Default 0.5.</summary>
    [ConfigRange(0, 1e6, MinimumExclusive = true)]
    public double MaxGradNorm { get; init; } = 0.5;

    /// <inheritdoc />
    public override IEnumerable<string> Validate()
    {
        foreach (string problem in base.Validate()) yield return problem;
        if (NSteps < 2) yield return "n_steps must be >= 2 so that a rollout can hold a complete episode";
    }
}
