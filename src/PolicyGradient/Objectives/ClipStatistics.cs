using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Objectives;

/// <summary>
/// Which side of PPO's clip bound each token's loss (for logging; the loss is
/// <see cref="ClippedSurrogateObjective"/>): with r = π/π_old,
/// low side: A &lt; 0 and r &lt; 1 − ε_low (the clipped term wins, the gradient is zero);
/// high side: A &gt; 0 and r &gt; 1 + ε_high;
/// dual clip: A &lt; 0 and r &gt; c (the loss is capped at −c·A).
/// Fractions are over the valid tokens of <c>mask</c>.
/// </summary>
public static class ClipStatistics
{
    static readonly Scalar Zero = 0.ToScalar();

    /// <summary>Fractions (low, high, dual) of valid tokens clipped on each side, as scalars.</summary>
    public static (double Low, double High, double Dual) Compute(Tensor logProbs, Tensor oldLogProbs, Tensor advantages, Tensor mask,
        double clipLow, double clipHigh, double? dualClip = null, double? logRatioClamp = null)
    {
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        var (low, high, dual) = Masks(logProbs, oldLogProbs, advantages, clipLow, clipHigh, dualClip, logRatioClamp);
        return (ClipFraction.Compute(low, mask).item<float>(), ClipFraction.Compute(high, mask).item<float>(), ClipFraction.Compute(dual, mask).item<float>());
    }

    /// <summary>The three boolean masks (low, high, dual), shape of the inputs.</summary>
    public static (Tensor Low, Tensor High, Tensor Dual) Masks(Tensor logProbs, Tensor oldLogProbs, Tensor advantages,
        double clipLow, double clipHigh, double? dualClip = null, double? logRatioClamp = null)
    {
        using var _ = torch.no_grad();
        var logRatio = logProbs.detach() - oldLogProbs.detach();
        if (logRatioClamp is double lc)
        {
            using var min = (-lc).ToScalar();
            using var max = lc.ToScalar();
            logRatio = logRatio.clamp(min, max);
        }
        var ratio = logRatio.exp();
        var adv = advantages.detach();
        var negative = adv.lt(Zero);
        using var lower = (1.0 - clipLow).ToScalar();
        using var upper = (1.0 + clipHigh).ToScalar();
        var low = negative.logical_and(ratio.lt(lower));
        var high = adv.gt(Zero).logical_and(ratio.gt(upper));
        using var dualBound = dualClip is double c ? c.ToScalar() : null;
        var dual = dualBound is not null ? negative.logical_and(ratio.gt(dualBound)) : torch.zeros_like(negative);
        return (low, high, dual);
    }
}
