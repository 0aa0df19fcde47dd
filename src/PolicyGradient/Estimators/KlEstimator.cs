namespace PolicyGradient.Estimators;

/// <summary>
/// Sample-based estimators of KL(π ‖ π_ref) from log-probabilities of actions drawn from π
/// (Schulman 2020, "Approximating KL Divergence"); log r = log π_ref(a) − log π(a).
/// </summary>
public enum KlEstimator
{
    /// <summary>k1 = −log r: unbiased, high variance, can be negative per sample.</summary>
    K1,
    /// <summary>k2 = ½ (log r)²: biased (low bias when π ≈ π_ref), low variance, ≥ 0 (verl "mse").</summary>
    K2,
    /// <summary>k3 = (r − 1) − log r: unbiased and ≥ 0, low variance (verl "low_var_kl", GRPO).</summary>
    K3,
    /// <summary>|log r| (verl "abs"): not an unbiased KL estimate; a penalty that is ≥ 0.</summary>
    Abs,
}
