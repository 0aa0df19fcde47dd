using TorchSharp;
using static TorchSharp.torch;
using PolicyGradient.Interop;

namespace PolicyGradient.Estimators;

/// <summary>
/// Per-batch advantage normalization (a PPO implementation detail; SB3's normalize_advantage):
/// Â = (A − mean(A)) / (std(A) + ε) with the unbiased std (torch.std). With a mask, mean and std are
/// over the valid entries only (verl's masked_whiten uses the same statistics) and masked-out
/// entries come back as 0. A single advantage is returned unchanged (its std is undefined; SB3 skips
/// normalization for a mini-batch of one).
/// </summary>
public static class AdvantageNormalization
{
    static readonly Scalar One = 1.0.ToScalar();

    /// <summary>Normalized advantages, same shape as <paramref name="advantages"/>.</summary>
    public static Tensor Normalize(Tensor advantages, Tensor? mask = null, double epsilon = 1e-8)
    {
        if (advantages.numel() <= 1) return advantages;
        using var eps = epsilon.ToScalar();
        if (mask is null)
            return (advantages - advantages.mean()) / advantages.std().add(eps, TorchScalars.One);
        var m = mask.to_type(advantages.dtype);
        var count = m.sum();
        var mean = (advantages * m).sum() / count.clamp_min(One);
        var centered = (advantages - mean) * m;
        var variance = centered.pow(TorchScalars.Two).sum() / count.sub(One).clamp_min(One);
        return centered / variance.sqrt().add(eps, TorchScalars.One);
    }
}
