using PolicyGradient.Estimators;
using PolicyGradient.Interop;
using PolicyGradient.Objectives;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Algorithms.OnPolicy;

/// <summary>
/// PPO's minibatch loss on libtorch (Schulman et al. 2017; the numbered details of "The 37 Implementation
/// Details of PPO"), shared by the feed-forward step (<see cref="TensorPpoStep"/>) and the recurrent one: tensors of
/// the current policy's log-probs, entropy and values in, the loss and its diagnostics out. A pure function of
/// its inputs; the op order is fixed because the resume tests compare bits.
/// </summary>
internal static class PpoMinibatchLoss
{
    /// <summary>The loss to differentiate and the per-minibatch diagnostics (all 0-dim but <see cref="Clipped"/>).</summary>
    internal readonly record struct Terms(Tensor Loss, Tensor PolicyLoss, Tensor ValueLoss, Tensor Entropy, Tensor ApproxKl, Tensor Clipped)
    {
        /// <summary>Whether approx-KL exceeds 1.5 × target_kl, the early stop of SB3's PPO (no step is taken then).</summary>
        public bool ExceedsTargetKl(double? targetKl) => targetKl is double kl && ApproxKl.item<float>() > 1.5 * kl;

        /// <summary>policy loss, value loss, entropy, approx-KL, clip fraction and the clipped gradient norm, stacked for the update's sums.</summary>
        public Tensor Diagnostics(Tensor gradNorm)
        {
            using (torch.no_grad())
                return torch.stack([PolicyLoss.detach(), ValueLoss.detach(), Entropy.detach(), ApproxKl, ClipFraction.Compute(Clipped), gradNorm]);
        }
    }

    /// <summary>
    /// L = L_clip + c_vf·L_V − c_ent·H over one minibatch, with <paramref name="advantages"/> already normalized
    /// where the options ask for it and <paramref name="entropy"/> the minibatch's mean entropy.
    /// </summary>
    public static Terms Compute(Tensor logProbs, Tensor oldLogProbs, Tensor advantages, Tensor entropy,
        Tensor values, Tensor returns, Tensor oldValues, double clipRange, ClippedSurrogateOptions options)
    {
        // Detail 8: clipped surrogate objective, L = E[max(−rA, −clip(r, 1−ε, 1+ε)A)].
        var (surrogate, clipped) = ClippedSurrogateObjective.Compute(logProbs, oldLogProbs, advantages, clipRange, clipRange);
        var policyLoss = surrogate.mean();

        // Detail 9: value loss (V − R)², optionally clipped around the rollout's V (clip_range_vf).
        var valueLoss = ValueLoss.Compute(values, returns, oldValues, options.ClipRangeVf).mean();

        // Detail 10: entropy bonus; overall loss L = L_clip + c_vf·L_V − c_ent·H.
        using Scalar vfCoef = options.VfCoef.ToScalar(), entCoef = options.EntCoef.ToScalar();
        var loss = policyLoss.add(valueLoss.mul(vfCoef), TorchScalars.One);
        if (options.EntCoef != 0) loss = loss.add(EntropyBonus.Compute(entropy).mul(entCoef), TorchScalars.One);

        // Detail 12: debug variable approx-KL, k3 = (r − 1) − log r (Schulman 2020), for the early stop.
        Tensor approxKl;
        using (torch.no_grad()) approxKl = KlEstimators.ApproxKl(oldLogProbs, logProbs.detach()).mean();
        return new Terms(loss, policyLoss, valueLoss, entropy, approxKl, clipped);
    }
}
