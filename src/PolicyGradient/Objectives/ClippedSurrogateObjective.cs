using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Objectives;

/// <summary>
/// PPO's clipped surrogate (Schulman et al. 2017), per element, with optional asymmetric clipping
/// (DAPO's "clip-higher", Yu et al. 2025) and dual clipping (Ye et al. 2020, "Mastering Complex
/// Control in MOBA Games with Deep RL"), following verl's compute_policy_loss:
/// r = exp(logπ − logπ_old);  L_clip = max(−r A, −clip(r, 1 − ε_low, 1 + ε_high) A);
/// dual clip (c &gt; 1): for A &lt; 0, L = min(L_clip, −c A), bounding the loss when r ≫ 1.
/// </summary>
public static class ClippedSurrogateObjective
{
    static readonly Scalar Zero = 0.ToScalar();

    /// <summary>
    /// Returns the per-element loss and a boolean mask of elements where a clip bound the loss
    /// (verl's definition: the clipped term won the max, or the dual clip won the min). Note that
    /// SB3 logs clip_fraction as |r − 1| &gt; ε regardless of the advantage's sign, which also counts
    /// elements where the unclipped term was the smaller one. <paramref name="logRatioClamp"/>
    /// clamps log r to [−c, c] before exp for numerical safety (verl uses 20); advantages and
    /// old log-probabilities are treated as constants.
    /// </summary>
    public static (Tensor Loss, Tensor ClippedMask) Compute(
        Tensor logProbs, Tensor oldLogProbs, Tensor advantages,
        double clipLow, double clipHigh, double? dualClip = null, double? logRatioClamp = null)
    {
        if (dualClip is double c0 && c0 <= 1.0)
            throw new ArgumentOutOfRangeException(nameof(dualClip), c0, "the dual-clip constant must be > 1 (Ye et al. use 3)");
        var adv = advantages.detach();
        var logRatio = logProbs - oldLogProbs.detach();
        if (logRatioClamp is double lc)
        {
            using var low = (-lc).ToScalar();
            using var high = lc.ToScalar();
            logRatio = logRatio.clamp(low, high);
        }
        var ratio = logRatio.exp();
        var unclipped = -adv * ratio;
        using var lower = (1.0 - clipLow).ToScalar();
        using var upper = (1.0 + clipHigh).ToScalar();
        var clipped = -adv * ratio.clamp(lower, upper);
        var loss = torch.maximum(unclipped, clipped);
        var clippedMask = clipped.gt(unclipped);
        if (dualClip is double c)
        {
            using var cScalar = c.ToScalar();
            var bound = (-adv).mul(cScalar);
            var negative = adv.lt(Zero);
            var dualActive = negative.logical_and(loss.gt(bound));
            loss = torch.where(negative, torch.minimum(loss, bound), loss);
            clippedMask = clippedMask.logical_or(dualActive);
        }
        return (loss, clippedMask);
    }
}
