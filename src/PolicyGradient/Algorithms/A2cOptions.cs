using PolicyGradient.Policies;
using PolicyGradient.Core;

namespace PolicyGradient.Algorithms;

/// <summary>
/// Hyperparameters of <see cref="A2c"/>. Defaults are Stable-Baselines3's A2C defaults (which follow
/// OpenAI baselines): RMSprop, n_steps 5, no advantage normalization.
/// </summary>
public sealed record A2cOptions : OnPolicyOptions
{
    /// <summary>SB3's A2C defaults for the shared options: learning_rate 7e-4, n_steps 5, n_envs 1, normalize_advantage false.</summary>
    public A2cOptions()
    {
        LearningRate = 7e-4;
        NSteps = 5;
        NEnvs = 1;
        NormalizeAdvantage = false;
    }

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

    /// <inheritdoc />
    public override IEnumerable<string> Validate()
    {
        foreach (string problem in base.Validate()) yield return problem;
        if (NormalizeAdvantage && (long)NSteps * NEnvs < 2)
            yield return "normalize_advantage needs n_steps * n_envs > 1; set normalize_advantage=false";
    }
}
