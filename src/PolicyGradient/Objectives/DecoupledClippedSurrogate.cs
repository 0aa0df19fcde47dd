using static TorchSharp.torch;

namespace PolicyGradient.Objectives;

/// <summary>
/// PPO with the proximal policy decoupled from the behaviour policy (Hilton, Cobbe and Schulman 2021,
/// "Batch size-invariance for policy optimization", §3): when the data come from a stale behaviour
/// policy μ (an older weight version on a rollout worker), PPO's clip should keep π close to a
/// recent proximal policy π_prox (the learner's policy when the batch arrived), while an importance
/// weight corrects for having sampled from μ:
/// <code>
/// L = −w · min(r A, clip(r, 1 − ε_low, 1 + ε_high) A),   r = π/π_prox,   w = min(π_prox/μ, w_max)
/// </code>
/// w is a constant (no gradient), truncated at w_max as IMPALA truncates its weights (null: untruncated).
/// With μ = π_prox (on-policy data) w = 1 and this is <see cref="ClippedSurrogateObjective"/> exactly (tested).
/// </summary>
public static class DecoupledClippedSurrogate
{
    /// <summary>Per-element loss, clipped mask (where the clip bound the surrogate) and the weights w used.</summary>
    /// <param name="logProbs">log π(a|s), with gradient.</param>
    /// <param name="proximalLogProbs">log π_prox(a|s): the clip's anchor (constant).</param>
    /// <param name="behaviourLogProbs">log μ(a|s) recorded when acting (constant).</param>
    /// <param name="advantages">A (constant).</param>
    /// <param name="clipLow">ε_low.</param>
    /// <param name="clipHigh">ε_high.</param>
    /// <param name="maxWeight">w_max (null: no truncation).</param>
    public static (Tensor Loss, Tensor ClippedMask, Tensor Weights) Compute(
        Tensor logProbs, Tensor proximalLogProbs, Tensor behaviourLogProbs, Tensor advantages,
        double clipLow, double clipHigh, double? maxWeight = null)
    {
        if (maxWeight is double m && !(m > 0))
            throw new ArgumentOutOfRangeException(nameof(maxWeight), m, "the importance-weight truncation must be > 0");
        var (surrogate, clipped) = ClippedSurrogateObjective.Compute(logProbs, proximalLogProbs, advantages, clipLow, clipHigh);
        var weights = TruncatedImportanceWeights.Compute(proximalLogProbs, behaviourLogProbs, maxWeight);
        return (surrogate.mul(weights), clipped, weights);
    }
}
