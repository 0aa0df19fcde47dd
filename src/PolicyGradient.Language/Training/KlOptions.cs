using PolicyGradient.Estimators;

namespace PolicyGradient.Language.Training;

/// <summary>
/// The group trainer's KL regularization towards a frozen copy of the initial policy (configuration
/// keys: <c>kl_coefficient</c>, <c>kl_estimator</c>, <c>kl_in_reward</c>, <c>adaptive_kl</c>, <c>kl_target</c>,
/// <c>kl_horizon</c>). Defaults: no reference model (β = 0), verl's estimator and controller settings.
/// </summary>
public sealed record KlOptions
{
    /// <summary>Coefficient β of the KL to a frozen copy of the initial policy (0 = no reference model);
    /// the initial β when <see cref="Adaptive"/> is on. verl: kl_loss_coef 0.001, kl_ctrl.kl_coef 0.001.</summary>
    public double Coefficient { get; init; }
    /// <summary>KL estimator: k1, abs, k2, k3 (aliases kl, mse, low_var_kl), or k1+, abs+, k3+ (value of the
    /// estimator, gradient of k2). Default k3 (verl's kl_loss_type low_var_kl). See KlPenaltyKind.</summary>
    public string Estimator { get; init; } = "k3";
    /// <summary>Place the KL as a per-token reward −β·KL(π_old ‖ π_ref) before the advantages (verl
    /// use_kl_in_reward) instead of a loss term β·KL(π ‖ π_ref) (verl use_kl_loss). Default false.</summary>
    public bool InReward { get; init; }
    /// <summary>Adapt β with Ziegler et al.'s proportional controller towards <see cref="Target"/> (verl kl_ctrl.type adaptive). Default false (fixed β).</summary>
    [Core.ConfigKey("adaptive_kl")]
    public bool Adaptive { get; init; }
    /// <summary>Target KL of the adaptive controller (verl kl_ctrl.target_kl 0.1).</summary>
    public double Target { get; init; } = 0.1;
    /// <summary>Horizon (in sequences) of the adaptive controller (verl kl_ctrl.horizon 10000).</summary>
    public double Horizon { get; init; } = 10000;

    /// <summary>Throws <see cref="ArgumentException"/> naming the bad option.</summary>
    internal void Validate()
    {
        if (!(Coefficient >= 0)) throw new ArgumentException($"Kl.Coefficient (kl_coefficient) must be ≥ 0, got {Coefficient}");
        KlPenaltyKind.Parse(Estimator);
        if (Adaptive && Coefficient == 0) throw new ArgumentException("Kl.Adaptive (adaptive_kl) needs an initial Kl.Coefficient (kl_coefficient) > 0 (verl kl_ctrl.kl_coef 0.001)");
        if (InReward && Coefficient == 0) throw new ArgumentException("Kl.InReward (kl_in_reward) needs Kl.Coefficient (kl_coefficient) > 0");
        if (!(Target > 0)) throw new ArgumentException($"Kl.Target (kl_target) must be > 0, got {Target}");
        if (!(Horizon > 0)) throw new ArgumentException($"Kl.Horizon (kl_horizon) must be > 0, got {Horizon}");
    }
}
