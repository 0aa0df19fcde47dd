using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Objectives;

/// <summary>
/// CISPO, Clipped IS-weight Policy Optimization (MiniMax 2025, "MiniMax-M1", arXiv 2506.13585):
/// REINFORCE weighted by a clipped, stop-gradient importance weight, so no token's gradient is ever
/// dropped (PPO zeroes the gradient of clipped tokens, which often are the rare "fork" tokens):
/// <code>L_t = −sg[clip(r_t, 1 − ε_low, 1 + ε_high)] · A_t · log π(y_t),   r_t = π/π_old
/// ∂L_t/∂log π(y_t) = −clip(r_t) · A_t</code>
/// log r is clamped to [−20, 20] before exp (verl). Bounds: verl's compute_policy_loss_cispo uses
/// clip(r, 1 − ε_low, 1 + ε_high); the paper and TRL clip only from above (TRL's
/// <c>epsilon_high</c> is the absolute cap, e.g. 5 ⇒ ε_high = 4): pass <c>clipLow: null</c> for that.
/// </summary>
public static class CispoObjective
{
    static readonly Scalar MinusTwenty = (-20.0).ToScalar(), Twenty = 20.0.ToScalar();

    /// <summary>Per-token loss [B, L] and a mask of tokens whose weight was clipped.</summary>
    public static (Tensor Loss, Tensor ClippedMask) Compute(Tensor logProbs, Tensor oldLogProbs, Tensor advantages,
        double? clipLow, double clipHigh)
    {
        var logRatio = (logProbs - oldLogProbs).detach().clamp(MinusTwenty, Twenty);
        var ratio = logRatio.exp();
        using var upper = (1.0 + clipHigh).ToScalar();
        using var lower = clipLow is double lo ? (1.0 - lo).ToScalar() : null;
        var weight = lower is not null ? ratio.clamp(lower, upper) : ratio.clamp_max(upper);
        var loss = -(weight * advantages.detach()) * logProbs;
        return (loss, weight.ne(ratio));
    }
}
