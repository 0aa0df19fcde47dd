using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Objectives;

/// <summary>
/// Reduces a per-element loss to a scalar under a mask (verl's agg_loss; DAPO, Yu et al. 2025;
/// Dr. GRPO, Liu et al. 2025, "Understanding R1-Zero-Like Training"). A loss [B] is a batch of
/// length-1 sequences (classic RL), so TokenMean with an all-ones mask is the plain mean. A sequence
/// whose mask is all zero contributes nothing and is not counted.
/// <para>Micro-batching: pass <c>globalNormalizer</c> = the whole mini-batch's count (valid tokens for
/// TokenMean, valid sequences for the Seq* modes; ignored by TokenSum) and the micro-batch results sum
/// exactly to the full-batch result.</para>
/// </summary>
public static class LossAggregation
{
    static readonly Scalar Zero = 0.ToScalar(), One = 1.0.ToScalar();

    /// <summary>
    /// Aggregates <paramref name="loss"/> ([B] or [B, L]) under <paramref name="mask"/> (same shape,
    /// 0/1 or bool). <paramref name="maxLength"/> is Dr. GRPO's constant L_max for
    /// <see cref="LossAggregationMode.SeqMeanTokenSumNorm"/> (default: the mask's last dimension; keep
    /// it constant during training). Counts of zero give a zero loss, not NaN.
    /// </summary>
    public static Tensor Aggregate(Tensor loss, Tensor mask, LossAggregationMode mode, double? globalNormalizer = null, double? maxLength = null)
    {
        if (loss.dim() == 1) loss = loss.unsqueeze(-1);
        var m = mask.to_type(loss.dtype);
        if (m.dim() == 1) m = m.unsqueeze(-1);
        if (!loss.shape.SequenceEqual(m.shape))
            throw new ArgumentException($"loss shape [{string.Join(", ", loss.shape)}] and mask shape [{string.Join(", ", m.shape)}] differ", nameof(mask));
        var masked = loss * m;
        switch (mode)
        {
            case LossAggregationMode.TokenMean:
                return Divide(masked.sum(), m.sum(), globalNormalizer);
            case LossAggregationMode.TokenSum:
                return masked.sum();
            case LossAggregationMode.SeqMeanTokenSum:
                return Divide(masked.sum(), SequenceCount(m), globalNormalizer);
            case LossAggregationMode.SeqMeanTokenMean:
            {
                var tokens = m.sum(-1);
                var perSequence = masked.sum(-1) / tokens.clamp_min(One);
                return Divide(perSequence.sum(), SequenceCount(m), globalNormalizer);
            }
            case LossAggregationMode.SeqMeanTokenSumNorm:
            {
                double lmax = maxLength ?? m.shape[^1];
                if (lmax <= 0) throw new ArgumentOutOfRangeException(nameof(maxLength), lmax, "maxLength must be positive");
                using var lmaxScalar = lmax.ToScalar();
                return Divide(masked.sum(), SequenceCount(m), globalNormalizer).div(lmaxScalar);
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(mode), mode, "unknown loss aggregation mode");
        }
    }

    /// <summary>
    /// The <c>globalNormalizer</c> of <paramref name="mode"/> for a whole mini-batch with mask
    /// <paramref name="mask"/>: its valid-element count for TokenMean, its count of sequences with a
    /// valid element for the Seq* modes, 1 for TokenSum (unused). Compute it once over the mini-batch
    /// and pass it to every micro-batch's <see cref="Aggregate"/>; at least 1, so an empty batch gives 0.
    /// </summary>
    public static double GlobalNormalizer(Tensor mask, LossAggregationMode mode)
    {
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        var m = mask.to_type(ScalarType.Float64);
        if (m.dim() == 1) m = m.unsqueeze(-1);
        double count = mode switch
        {
            LossAggregationMode.TokenMean => m.sum().item<double>(),
            LossAggregationMode.TokenSum => 1,
            _ => m.ne(Zero).sum(-1).gt(Zero).sum().item<long>(),
        };
        return Math.Max(1.0, count);
    }

    /// <summary>Number of sequences with at least one valid element.</summary>
    static Tensor SequenceCount(Tensor mask) => mask.sum(-1).gt(Zero).sum().to_type(mask.dtype);

    /// <summary>numerator / global count when given, else / the local count (at least 1, so empty batches give 0).</summary>
    static Tensor Divide(Tensor numerator, Tensor localCount, double? global)
    {
        if (global is double g)
        {
            if (!(g > 0)) throw new ArgumentOutOfRangeException(nameof(global), g, "globalNormalizer must be positive");
            using var count = g.ToScalar();
            return numerator.div(count);
        }
        return numerator / localCount.clamp_min(One);
    }
}
