using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Objectives;

/// <summary>
/// SAPO, Soft Adaptive Policy Optimization (arXiv 2511.20347), as verl's <c>compute_policy_loss_sapo</c>:
/// PPO's hard clip replaced by a smooth gate on the token ratio, with a temperature per advantage sign.
/// <code>r_t = exp(clamp(log π(y_t) − log π_old(y_t), −20, 20)),   τ_t = τ_pos if A_t &gt; 0 else τ_neg
/// f(r) = σ(τ_t (r − 1)) · 4 / τ_t,   L_t = −f(r_t) · A_t</code>
/// At r = 1 the gate's slope is 4σ(0)(1 − σ(0)) = 1, so the gradient with respect to log π is −A_t there
/// (the vanilla policy gradient); away from r = 1 it decays smoothly instead of dropping to zero. verl
/// aggregates it seq-mean-token-mean (the "sapo" algorithm does). Defaults τ_pos = 1.0, τ_neg = 1.05.
/// </summary>
public static class SapoObjective
{
    /// <summary>The paper's and verl's temperatures.</summary>
    public const double DefaultTauPositive = 1.0, DefaultTauNegative = 1.05;

    static readonly Scalar MinusTwenty = (-20.0).ToScalar(), Twenty = 20.0.ToScalar(), One = 1.0.ToScalar(),
        Four = 4.0.ToScalar(), Zero = 0.0.ToScalar();

    /// <summary>Per-token loss [B, L] and an all-false mask (SAPO clips nothing).</summary>
    public static (Tensor Loss, Tensor ClippedMask) Compute(Tensor logProbs, Tensor oldLogProbs, Tensor advantages,
        double tauPositive = DefaultTauPositive, double tauNegative = DefaultTauNegative)
    {
        if (!(tauPositive > 0) || !(tauNegative > 0))
            throw new ArgumentOutOfRangeException(nameof(tauPositive), $"SAPO temperatures must be > 0 (got τ_pos {tauPositive}, τ_neg {tauNegative})");
        var ratio = (logProbs - oldLogProbs.detach()).clamp(MinusTwenty, Twenty).exp();
        var a = advantages.detach();
        using var positive = tauPositive.ToScalar();
        using var negative = tauNegative.ToScalar();
        var tau = torch.where(a.gt(Zero), torch.full_like(a, positive), torch.full_like(a, negative));
        var gate = ratio.sub(One).mul(tau).sigmoid().mul(Four).div(tau);
        return (-(gate * a), torch.zeros_like(logProbs, dtype: ScalarType.Bool));
    }
}
