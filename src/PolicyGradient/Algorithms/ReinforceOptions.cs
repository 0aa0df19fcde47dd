using PolicyGradient.Policies;
using PolicyGradient.Core;

namespace PolicyGradient.Algorithms;

/// <summary>
/// Hyperparameters of <see cref="Reinforce"/>. Neither SB3 nor CleanRL ships REINFORCE, so these
/// defaults are this library's choice: γ 0.99 as SB3, and Adam 2e-3 with 2 copies × 1000 steps, which
/// reached an evaluation mean of 500 on CartPole-v1 within 300k steps (docs/results.md).
/// </summary>
public sealed record ReinforceOptions : IValidatableOptions
{
    /// <summary>Adam step size, constant or linear. Default 2e-3.</summary>
    [ConfigRange(0, 1, MinimumExclusive = true)]
    public Schedule LearningRate { get; init; } = 2e-3;

    /// <summary>Steps per environment per update; only completed episodes are used, so make it longer than a typical episode. Default 1000.</summary>
    [ConfigRange(1, 1e7)]
    public int NSteps { get; init; } = 1000;

    /// <summary>Parallel environment copies. Default 2.</summary>
    [ConfigRange(1, 4096)]
    public int NEnvs { get; init; } = 2;

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

    /// <summary>
    /// Compute path: auto (default) uses the native C# SIMD kernels (rollout inference, the loss and
    /// its gradient over the whole rollout, clipping, Adam) for CPU MLP policies with tanh/ReLU, Box
    /// observations and Discrete/Box actions, and libtorch otherwise; native forces it (an error where
    /// unsupported); libtorch forces the tensor path.
    /// </summary>
    public ComputeBackend Backend { get; init; } = ComputeBackend.Auto;

    /// <summary>Policy (and baseline value) network.</summary>
    public PolicyNetworkOptions Policy { get; init; } = new();

    /// <inheritdoc />
    public IEnumerable<string> Validate()
    {
        if (LearningRate.Initial <= 0) yield return $"learning_rate must be > 0, got {LearningRate}";
        if (NSteps < 2) yield return "n_steps must be >= 2 so that a rollout can hold a complete episode";
    }
}
