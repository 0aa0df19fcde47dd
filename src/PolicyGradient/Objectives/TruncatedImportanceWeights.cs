using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Objectives;

/// <summary>
/// Truncated importance weights w = min(π_a/μ, c) as constants (no gradient): the correction for data
/// sampled by a behaviour policy μ other than the policy π_a the loss is written for — stale rollout
/// workers in asynchronous training, or an inference engine whose log-probabilities differ from the
/// trainer's. Truncation bounds the variance at the price of a bias (Ionides 2008, "Truncated
/// importance sampling"; IMPALA's ρ̄ and c̄). The group trainer multiplies its per-token loss by them
/// (verl's truncated importance sampling: w = min(exp(log π_old − log π_rollout), cap)).
/// Also gives the effective sample size of a set of weights, (Σw)² / Σw² (Kong 1992), which equals
/// the number of samples when every weight is 1 and falls towards 1 as one weight dominates.
/// </summary>
public static class TruncatedImportanceWeights
{
    /// <summary>w = min(exp(<paramref name="logProbs"/> − <paramref name="behaviourLogProbs"/>), <paramref name="cap"/>), detached; no cap when null.</summary>
    public static Tensor Compute(Tensor logProbs, Tensor behaviourLogProbs, double? cap)
    {
        if (cap is double c && !(c > 0))
            throw new ArgumentOutOfRangeException(nameof(cap), c, "the importance-weight cap must be > 0 (e.g. 2)");
        using var _ = torch.no_grad();
        var weights = logProbs.detach().sub(behaviourLogProbs.detach()).exp_();
        if (cap is double capValue)
        {
            using var max = capValue.ToScalar();
            weights = weights.clamp_max_(max);
        }
        return weights;
    }

    /// <summary>Kong's effective sample size (Σw)² / Σw² of the weights where <paramref name="mask"/> is 1 (all when null).</summary>
    public static double EffectiveSampleSize(Tensor weights, Tensor? mask = null)
    {
        using var scope = torch.NewDisposeScope();
        var w = weights.detach().to_type(ScalarType.Float64);
        if (mask is not null) w = w.mul(mask.to_type(ScalarType.Float64));
        double sum = w.sum().item<double>();
        double sumSquares = w.mul(w).sum().item<double>();
        return sumSquares > 0 ? sum * sum / sumSquares : 0.0;
    }
}
