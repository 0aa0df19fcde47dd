using TorchSharp;
using static TorchSharp.torch;
using PolicyGradient.Interop;

namespace PolicyGradient.Objectives;

/// <summary>
/// GVPO, Group Variance Policy Optimization (Zhang et al. 2025, arXiv 2504.19599), as verl's GVPO recipe
/// (<c>compute_policy_loss_gvpo</c>) computes it. Per response i of a group of n:
/// <code>q_i = β · (Σ_t m_t log π(y_t) − Σ_t m_t log π_old(y_t))        (implicit reward, with gradient)
/// ρ_i = Σ_t m_t A_t / Σ_t m_t                                   (r_i − mean of the group's r, from a centred estimator)
/// L_i = ½ · ((q_i − sg(q̄)) − ρ_i)² / (n − 1),   q̄ = mean of q over the group, sg = stop-gradient</code>
/// The group's loss is Σ_i L_i (the paper's Bessel-corrected group variance). No ratio, no clipping. On
/// policy (π_old = π) q = 0 and the gradient is −β/(n − 1) · Σ_i ρ_i ∇ Σ_t log π(y_t): a policy gradient
/// with centred rewards and summed token log-probs. q̄ needs every response of the group in the same call,
/// so the trainer keeps groups whole inside a micro-batch (<see cref="PolicyLossEntry.NeedsWholeGroups"/>).
/// </summary>
public static class GvpoObjective
{
    /// <summary>verl's recipe's gvpo_beta.</summary>
    public const double DefaultBeta = 0.1;

    static readonly Scalar Zero = 0.ToScalar(), Half = 0.5.ToScalar();

    /// <summary>
    /// Per-sequence loss L_i [B] and an all-false clip mask [B, L]. <paramref name="groupIds"/> [B] (integers)
    /// says which rows form a group; every group present must be complete (n = its row count ≥ 2).
    /// </summary>
    /// <exception cref="ArgumentException">A group has fewer than two rows, or the shapes disagree.</exception>
    public static (Tensor Loss, Tensor ClippedMask) Compute(Tensor logProbs, Tensor oldLogProbs, Tensor advantages, Tensor mask,
        Tensor groupIds, double beta = DefaultBeta)
    {
        ArgumentNullException.ThrowIfNull(groupIds);
        if (!(beta > 0)) throw new ArgumentOutOfRangeException(nameof(beta), $"GVPO's β (gvpo_beta) must be > 0, got {beta}");
        if (groupIds.dim() != 1 || groupIds.shape[0] != logProbs.shape[0])
            throw new ArgumentException($"GVPO needs one group id per response: got ids of shape [{string.Join(", ", groupIds.shape)}] for {logProbs.shape[0]} responses");
        var m = mask.to(logProbs.dtype).ne(Zero).to(logProbs.dtype);
        using var b = beta.ToScalar();
        var q = ((logProbs * m).sum(-1) - (oldLogProbs.detach() * m).sum(-1)).mul(b);
        var rho = (advantages.detach() * m).sum(-1) / m.sum(-1).clamp_min(TorchScalars.One);
        var (groupMean, groupSize) = GroupMeanAndSize(q.detach(), groupIds);
        var loss = (q - groupMean - rho).pow(TorchScalars.Two).mul(Half) / groupSize.sub(TorchScalars.One);
        return (loss, torch.zeros_like(logProbs, dtype: ScalarType.Bool));
    }

    /// <summary>For each row, the mean of <paramref name="values"/> over its group and the group's row count (both [B]).</summary>
    static (Tensor Mean, Tensor Size) GroupMeanAndSize(Tensor values, Tensor groupIds)
    {
        var (_, inverse, counts) = torch.unique(groupIds, return_inverse: true, return_counts: true);
        long smallest = counts!.min().item<long>();
        if (smallest < 2)
            throw new ArgumentException("GVPO needs every response of a group in the same micro-batch and at least 2 per group " +
                $"(group_size ≥ 2; mini_batch_size and micro_batch_size multiples of group_size); a group here has {smallest}");
        var sizes = counts.to(values.dtype);
        var sums = torch.zeros(sizes.shape[0], dtype: values.dtype, device: values.device).index_add_(0, inverse!, values, TorchScalars.One);
        return ((sums / sizes).index_select(0, inverse!), sizes.index_select(0, inverse!));
    }
}
