using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Estimators;

/// <summary>
/// The per-token KL penalty to a frozen reference policy (verl's <c>kl_penalty</c>), from log-probs of
/// tokens sampled from π: the estimators of <see cref="KlEstimators"/> (Schulman 2020), with k3
/// computed as verl does for stability (log r clamped to [−20, 20], the result to [−10, 10]), and the
/// straight-through "+" variants:
/// <code>kl⁺ = k2 − sg(k2) + sg(kl)      value = kl,  ∂kl⁺/∂logπ = ∂k2/∂logπ = logπ − logπ_ref</code>
/// k1 and k3 are unbiased estimates of the value KL(π ‖ π_ref), but as losses their expected
/// gradients are not ∇KL (k1's is zero in expectation, k3's is that of the reverse KL); k2's
/// gradient is the right one on-policy, so "k3+" logs k3 and trains with k2's gradient.
/// </summary>
public static class KlPenalty
{
    static readonly Scalar One = 1.0.ToScalar(), MinusTwenty = (-20.0).ToScalar(), Twenty = 20.0.ToScalar(), MinusTen = (-10.0).ToScalar(), Ten = 10.0.ToScalar();

    /// <summary>Per-token penalty [same shape as the inputs] for <paramref name="kind"/>.</summary>
    public static Tensor Compute(KlPenaltyKind kind, Tensor logProb, Tensor refLogProb)
    {
        var forward = kind.Estimator == KlEstimator.K3 ? StableK3(logProb, refLogProb) : KlEstimators.Compute(kind.Estimator, logProb, refLogProb);
        if (!kind.StraightThrough) return forward;
        var k2 = KlEstimators.K2(logProb, refLogProb);
        return k2 - k2.detach() + forward.detach();
    }

    /// <summary>k3 = (r − 1) − log r with log r clamped to [−20, 20] and the result to [−10, 10] (verl low_var_kl).</summary>
    public static Tensor StableK3(Tensor logProb, Tensor refLogProb)
    {
        var logRatio = (refLogProb - logProb).clamp(MinusTwenty, Twenty);
        return (logRatio.exp() - logRatio).sub(One).clamp(MinusTen, Ten);
    }
}
