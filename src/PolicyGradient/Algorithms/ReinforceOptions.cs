using PolicyGradient.Policies;
using PolicyGradient.Training.Configuration;

namespace PolicyGradient.Algorithms;

/// <summary>
/// Hyperparameters of <see cref="Reinforce"/>. Neither SB3 nor CleanRL ships REINFORCE, so these
/// defaults are this library's choice (Adam 1e-3, as in most textbook implementations; γ 0.99 as SB3).
/// </summary>
public sealed record ReinforceOptions : IValidatableOptions
{
    /// <summary>Adam step size, constant or linear. Default 1e-3.</summary>
    [ConfigRange(0, 1, MinimumExclusive = true)]
    public Schedule LearningRate { get; init; } = 1e-3;

    /// <summary>Steps per environment per update; only completed episodes are used. Default 1024.</summary>
    [ConfigRange(1, 1e7)]
    public int NSteps { get; init; } = 1024;

    /// <summary>Parallel environment copies. Default 4.</summary>
    [ConfigRange(1, 4096)]
    public int NEnvs { get; init; } = 4;

    /// <summary>Discount γ. Default 0.99.</summary>
    [ConfigRange(0, 1)]
    public double Gamma { get; init; } = 0.99;

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

    /// <summary>Normalize advantages over each batch (variance reduction). Default true.</summary>
    public bool NormalizeAdvantage { get; init; } = true;

    /// <summary>Normalize observations with running statistics. Default false.</summary>
    public bool NormalizeObservations { get; init; }

    /// <summary>Scale rewards by the running std of the discounted return. Default false.</summary>
    public bool NormalizeRewards { get; init; }

    /// <summary>Policy (and baseline value) network.</summary>
    public PolicyNetworkOptions Policy { get; init; } = new();

    /// <inheritdoc />
    public IEnumerable<string> Validate()
    {
        if (LearningRate.Initial <= 0) yield return $"learning_rate must be > 0, got {LearningRate}";
        if (NSteps < 2) yield return "n_steps must be >= 2 so that a rollout can hold a complete episode";
    }
}
