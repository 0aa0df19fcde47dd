using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Objectives;

/// <summary>
/// Clip-Cov and KL-Cov (Cui et al. 2025, "The Entropy Mechanism of Reinforcement Learning for
/// Reasoning Language Models", arXiv 2505.22617), as in verl. Entropy collapse is driven by tokens
/// whose log-probability and advantage covary strongly; per valid token
/// <code>Cov_t = (A_t − mean(A)) · (log π_t − mean(log π))   (means over valid tokens, no gradient)</code>
/// <list type="bullet">
/// <item>Clip-Cov: among tokens not already clipped by PPO with lb &lt; Cov_t &lt; ub, a random
/// max(1, ⌊ρ·N⌋) of them (ρ = 2e-4, lb = 1, ub = 5) get their PPO loss (and gradient) set to 0.</item>
/// <item>KL-Cov: the top max(1, ⌊ρ·N⌋) tokens by Cov_t (ρ = 2e-4) get −A·r + β·|log r| (β = 1); the
/// others get the unclipped −A·r.</item>
/// </list>
/// </summary>
public static class CovarianceClipObjective
{
    static readonly Scalar Zero = 0.ToScalar(), One = 1.0.ToScalar(), ZeroLoss = 0.0.ToScalar(), True = true.ToScalar(),
        NegativeInfinity = double.NegativeInfinity.ToScalar();

    /// <summary>verl's default fraction of tokens treated.</summary>
    public const double DefaultRatio = 2e-4;

    /// <summary>Per-valid-token covariance [B, L] (−∞ on masked tokens), detached.</summary>
    public static Tensor Covariance(Tensor logProbs, Tensor advantages, Tensor mask)
    {
        using var _ = torch.no_grad();
        var m = mask.ne(Zero);
        var mf = m.to(logProbs.dtype);
        var n = mf.sum().clamp_min(One);
        var meanA = (advantages * mf).sum() / n;
        var meanL = (logProbs.detach() * mf).sum() / n;
        var cov = (advantages.detach() - meanA) * (logProbs.detach() - meanL);
        return cov.masked_fill(m.logical_not(), NegativeInfinity);
    }

    /// <summary>
    /// Clip-Cov per-token loss [B, L] and the mask of tokens whose gradient was removed.
    /// <paramref name="generator"/> drives the random choice among candidates (seed it for reproducibility).
    /// </summary>
    public static (Tensor Loss, Tensor DetachedMask) ClipCov(Tensor logProbs, Tensor oldLogProbs, Tensor advantages, Tensor mask,
        double clipLow, double clipHigh, double ratio = DefaultRatio, double lowerBound = 1.0, double upperBound = 5.0,
        Generator? generator = null)
    {
        if (!(ratio > 0)) throw new ArgumentOutOfRangeException(nameof(ratio), ratio, "ratio must be > 0");
        var (ppo, clippedByPpo) = ClippedSurrogateObjective.Compute(logProbs, oldLogProbs, advantages, clipLow, clipHigh);
        var valid = mask.ne(Zero);
        var cov = Covariance(logProbs, advantages, mask).masked_fill(clippedByPpo, NegativeInfinity);
        using var lower = lowerBound.ToScalar();
        using var upper = upperBound.ToScalar();
        var candidates = cov.gt(lower).logical_and(cov.lt(upper)).logical_and(valid).flatten().nonzero().squeeze(-1);
        int take = Math.Max(1, (int)(ratio * valid.sum().item<long>()));
        var chosen = torch.zeros(cov.numel(), ScalarType.Bool, cov.device);
        if (candidates.numel() > 0)
        {
            var order = torch.randperm(candidates.numel(), generator: generator, device: cov.device);
            var pick = candidates.index_select(0, order[..(int)Math.Min(take, candidates.numel())]);
            chosen = chosen.index_fill(0, pick, True);
        }
        chosen = chosen.reshape(cov.shape);
        return (ppo.masked_fill(chosen, ZeroLoss), chosen);
    }

    /// <summary>KL-Cov per-token loss [B, L] and the mask of tokens that received the |log r| penalty.</summary>
    public static (Tensor Loss, Tensor PenalizedMask) KlCov(Tensor logProbs, Tensor oldLogProbs, Tensor advantages, Tensor mask,
        double ratio = DefaultRatio, double klCoefficient = 1.0)
    {
        if (!(ratio > 0)) throw new ArgumentOutOfRangeException(nameof(ratio), ratio, "ratio must be > 0");
        var adv = advantages.detach();
        var logRatio = logProbs - oldLogProbs.detach();
        var plain = -adv * logRatio.exp();
        var cov = Covariance(logProbs, advantages, mask).flatten();
        long valid = mask.ne(Zero).sum().item<long>();
        var penalized = torch.zeros(cov.numel(), ScalarType.Bool, cov.device);
        if (valid > 0)
        {
            int take = Math.Max(1, (int)(valid * ratio));
            var top = cov.topk(take).indexes;
            penalized = penalized.index_fill(0, top, True);
        }
        penalized = penalized.reshape(logProbs.shape);
        using var beta = klCoefficient.ToScalar();
        return (torch.where(penalized, plain + logRatio.abs().mul(beta), plain), penalized);
    }
}
