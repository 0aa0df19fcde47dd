using System.Globalization;
using PolicyGradient.Core;

namespace PolicyGradient.Algorithms;

/// <summary>
/// Hyperparameters of <see cref="Sac"/>. Defaults are Stable-Baselines3 2.4's SAC defaults:
/// learning_rate 3e-4, buffer_size 1e6, learning_starts 100, batch_size 256, tau 0.005, gamma 0.99,
/// train_freq 1, gradient_steps 1, ent_coef "auto", target_entropy auto (−dim A), target_update_interval 1,
/// net_arch [256, 256] with ReLU.
/// </summary>
public sealed record SacOptions : OffPolicyOptions
{
    /// <summary>SB3's SAC defaults for the shared options.</summary>
    public SacOptions()
    {
        LearningRate = 3e-4;
        NetArch = [256, 256];
    }

    /// <summary>
    /// Entropy temperature α: "auto" (learned, starting at 1), "auto_0.1" (learned, starting at 0.1) or a
    /// number (fixed). SB3: "auto".
    /// </summary>
    public string EntCoef { get; init; } = "auto";

    /// <summary>Target entropy H̄ of the learned temperature; null: auto (−dim A for Box actions, target_entropy_scale·log|A| for Discrete).</summary>
    public double? TargetEntropy { get; init; }

    /// <summary>
    /// Discrete SAC only: H̄ = scale·log|A| when target_entropy is auto. Christodoulou (2019) uses 0.98,
    /// which keeps the policy near uniform (log|A| is the maximum entropy); 0.5 here by default, so the
    /// stochastic policy can become decisive. Default 0.5.
    /// </summary>
    [ConfigRange(0, 1)]
    public double TargetEntropyScale { get; init; } = 0.5;

    /// <summary>Gradient steps between target-network updates (counted over the run). SB3: 1.</summary>
    [ConfigRange(1, 1e9)]
    public int TargetUpdateInterval { get; init; } = 1;

    /// <summary>The parsed ent_coef: whether α is learned and its initial (or fixed) value.</summary>
    public (bool Learned, double Value) ParseEntCoef()
    {
        if (EntCoef == "auto") return (true, 1.0);
        if (EntCoef.StartsWith("auto_", StringComparison.Ordinal)
            && double.TryParse(EntCoef.AsSpan(5), NumberStyles.Float, CultureInfo.InvariantCulture, out double start) && start > 0)
            return (true, start);
        if (double.TryParse(EntCoef, NumberStyles.Float, CultureInfo.InvariantCulture, out double fixedValue) && fixedValue >= 0 && double.IsFinite(fixedValue))
            return (false, fixedValue);
        throw new ArgumentException($"ent_coef must be \"auto\", \"auto_<initial value > 0>\" (e.g. auto_0.1) or a number >= 0, got '{EntCoef}'");
    }

    /// <inheritdoc />
    public override IEnumerable<string> Validate()
    {
        foreach (string problem in base.Validate()) yield return problem;
        string? entCoefProblem = null;
        try { ParseEntCoef(); }
        catch (ArgumentException e) { entCoefProblem = e.Message; }
        if (entCoefProblem is not null) yield return entCoefProblem;
    }
}
