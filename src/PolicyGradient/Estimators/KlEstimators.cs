using TorchSharp;
using static TorchSharp.torch;
using PolicyGradient.Interop;

namespace PolicyGradient.Estimators;

/// <summary>
/// Per-element KL estimators (Schulman 2020, "Approximating KL Divergence",
/// http://joschu.net/blog/kl-approx.html). Actions are sampled from the current policy π with
/// log-probability <c>logProb</c>; the reference policy has <c>refLogProb</c>; log r = refLogProb − logProb.
/// Every estimator's expectation over a ~ π targets KL(π ‖ π_ref) (k1 and k3 exactly, k2 to second
/// order). Results are per element; aggregate with a mask (LossAggregation) or a mean.
/// </summary>
public static class KlEstimators
{
    static readonly Scalar Half = 0.5.ToScalar(), One = 1.0.ToScalar();

    /// <summary>k1 = −log r = logπ − logπ_ref. Unbiased for KL(π ‖ π_ref); negative on some samples.</summary>
    public static Tensor K1(Tensor logProb, Tensor refLogProb) => logProb - refLogProb;

    /// <summary>k2 = ½ (log r)². Always ≥ 0, biased; its gradient equals that of KL(π ‖ π_ref) in expectation (on-policy).</summary>
    public static Tensor K2(Tensor logProb, Tensor refLogProb) => (refLogProb - logProb).pow(TorchScalars.Two).mul(Half);

    /// <summary>k3 = (r − 1) − log r. Unbiased for KL(π ‖ π_ref) and ≥ 0 (since log x ≤ x − 1).</summary>
    public static Tensor K3(Tensor logProb, Tensor refLogProb)
    {
        var logRatio = refLogProb - logProb;
        return logRatio.exp().sub(One) - logRatio;
    }

    /// <summary>|log r|: a non-negative divergence penalty (verl "abs"), not an unbiased KL estimate.</summary>
    public static Tensor Abs(Tensor logProb, Tensor refLogProb) => (logProb - refLogProb).abs();

    /// <summary>
    /// The estimator selected by <paramref name="kind"/>, optionally clamped to
    /// [−<paramref name="clamp"/>, <paramref name="clamp"/>] (verl clamps k3 to [−10, 10] for stability).
    /// </summary>
    public static Tensor Compute(KlEstimator kind, Tensor logProb, Tensor refLogProb, double? clamp = null)
    {
        var kl = kind switch
        {
            KlEstimator.K1 => K1(logProb, refLogProb),
            KlEstimator.K2 => K2(logProb, refLogProb),
            KlEstimator.K3 => K3(logProb, refLogProb),
            KlEstimator.Abs => Abs(logProb, refLogProb),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown KL estimator"),
        };
        if (clamp is not double c) return kl;
        using var low = (-c).ToScalar();
        using var high = c.ToScalar();
        return kl.clamp(low, high);
    }

    /// <summary>
    /// The "approx_kl" logged by SB3 and CleanRL during PPO updates, per element:
    /// (r − 1) − log r with r = π_new / π_old on actions sampled from the old (rollout) policy, i.e. k3
    /// estimating KL(π_old ‖ π_new). Take the mean for the logged scalar.
    /// </summary>
    public static Tensor ApproxKl(Tensor oldLogProb, Tensor newLogProb) => K3(oldLogProb, newLogProb);
}
