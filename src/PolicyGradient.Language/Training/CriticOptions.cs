namespace PolicyGradient.Language.Training;

/// <summary>
/// The critic of estimators that need one (ppo-lm's token-level GAE; configuration keys: <c>gamma</c>,
/// <c>lambda</c>, <c>value_clip_range</c>, <c>value_coefficient</c>; its learning rate is
/// <see cref="GroupTrainerOptions.CriticLearningRate"/>, next to the policy's). Defaults: verl's PPO.
/// </summary>
public sealed record CriticOptions
{
    /// <summary>Discount γ per token of token-level GAE (verl gamma 1).</summary>
    public double Gamma { get; init; } = 1.0;
    /// <summary>GAE λ (verl lam 1).</summary>
    public double Lambda { get; init; } = 1.0;
    /// <summary>Value clipping range around the rollout values (verl cliprange_value 0.5); 0 = no clipping.</summary>
    public double ValueClipRange { get; init; } = 0.5;
    /// <summary>Weight of the critic's squared error (0.5 = verl's ½·max(...) value loss).</summary>
    public double ValueCoefficient { get; init; } = 0.5;

    /// <summary>Throws <see cref="ArgumentException"/> naming the bad option.</summary>
    internal void Validate()
    {
        if (!(Gamma >= 0 && Gamma <= 1)) throw new ArgumentException($"Critic.Gamma (gamma) must be in [0, 1], got {Gamma}");
        if (!(Lambda >= 0 && Lambda <= 1)) throw new ArgumentException($"Critic.Lambda (lambda) must be in [0, 1], got {Lambda}");
        if (!(ValueClipRange >= 0)) throw new ArgumentException($"Critic.ValueClipRange (value_clip_range) must be ≥ 0 (0 = off), got {ValueClipRange}");
        if (!(ValueCoefficient >= 0)) throw new ArgumentException($"Critic.ValueCoefficient (value_coefficient) must be ≥ 0, got {ValueCoefficient}");
    }
}
