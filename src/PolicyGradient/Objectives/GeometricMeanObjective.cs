using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Objectives;

/// <summary>
/// GMPO, Geometric-Mean Policy Optimization (Zhao et al. 2025, arXiv 2507.20673), as verl's
/// compute_policy_loss_geo_mean: maximize the geometric mean of the token ratios instead of their
/// arithmetic mean, which is less sensitive to outlier ratios, with the clip applied per token in
/// log space (a wider range, the paper uses ε = 0.4, i.e. r ∈ (e^−0.4, e^0.4)):
/// <code>ℓ_t = sgn(A)·min(sgn(A)·log r_t, sgn(A)·clip(log r_t, −ε_low, ε_high))
/// L_i = −Ā_i · exp( Σ_t m_t ℓ_t / Σ_t m_t ),   Ā_i = Σ_t m_t A_t / Σ_t m_t</code>
/// One loss per sequence; verl averages it over all B sequences (<c>loss.mean()</c>). Sequence-level
/// advantages are assumed (the token mean Ā is used).
/// </summary>
public static class GeometricMeanObjective
{
    static readonly Scalar Zero = 0.ToScalar(), Epsilon = 1e-8.ToScalar();

    /// <summary>The paper's clip range in log space.</summary>
    public const double DefaultClip = 0.4;

    /// <summary>Per-sequence loss [B] and a per-token mask [B, L] of tokens whose log-ratio was clipped.</summary>
    public static (Tensor Loss, Tensor ClippedMask) Compute(Tensor logProbs, Tensor oldLogProbs, Tensor advantages, Tensor mask,
        double clipLow = DefaultClip, double clipHigh = DefaultClip)
    {
        var m = mask.to(logProbs.dtype).ne(Zero).to(logProbs.dtype);
        var adv = advantages.detach();
        var logRatio = logProbs - oldLogProbs.detach();
        var sign = adv.sign();
        using var lower = (-clipLow).ToScalar();
        using var upper = clipHigh.ToScalar();
        var clampedLogRatio = logRatio.clamp(lower, upper);
        var pessimistic = sign * torch.minimum(sign * logRatio, sign * clampedLogRatio);
        var lengths = m.sum(-1);
        var ratio = ((pessimistic * m).sum(-1) / lengths.add(Epsilon)).exp();
        var seqAdvantage = (adv * m).sum(-1) / lengths.add(Epsilon);
        return (-seqAdvantage * ratio, logRatio.ne(clampedLogRatio).logical_and(m.ne(Zero)));
    }
}
