using TorchSharp;
using static TorchSharp.torch;
using PolicyGradient.Interop;

namespace PolicyGradient.Policies;

/// <summary>
/// Exact KL(p ‖ q) per batch row between two distributions of the same family (summed over action
/// dimensions), for TRPO's trust region (Schulman et al. 2015) and KL diagnostics:
/// categorical Σ p (log p − log q); Bernoulli the same per bit; diagonal Gaussian
/// Σ [log σ_q/σ_p + (σ_p² + (μ_p − μ_q)²)/(2σ_q²) − ½]. The squashed Gaussian has no closed form:
/// use a sample-based estimator (KlEstimators) instead.
/// </summary>
public static class DistributionKl
{
    static readonly Scalar Zero = 0.ToScalar(), One = 1.ToScalar(), Two = 2.ToScalar(), MinusTwo = (-2).ToScalar(), Half = 0.5.ToScalar();

    /// <summary>KL(p ‖ q), [B]. Both must be the same type (and the same nvec for MultiCategorical).</summary>
    public static Tensor Compute(IActionDistribution p, IActionDistribution q) => (p, q) switch
    {
        (Categorical a, Categorical b) => Categorical(a, b),
        (MultiCategorical a, MultiCategorical b) => Multi(a, b),
        (Bernoulli a, Bernoulli b) => Bernoulli(a, b),
        (DiagGaussian a, DiagGaussian b) => Gaussian(a, b),
        _ => throw new ArgumentException($"no closed-form KL between {p.GetType().Name} and {q.GetType().Name}; use KlEstimators on samples"),
    };

    static Tensor Categorical(Categorical p, Categorical q)
    {
        // Entries with p = 0 (masked) contribute 0, even where log q = −∞.
        var pp = p.LogProbs.exp();
        var diff = torch.where(pp.gt(Zero), p.LogProbs - q.LogProbs, torch.zeros_like(pp));
        return (pp * diff).sum(-1);
    }

    static Tensor Multi(MultiCategorical p, MultiCategorical q)
    {
        if (p.Parts.Count != q.Parts.Count) throw new ArgumentException("MultiCategorical KL needs the same number of dimensions");
        var sum = Categorical(p.Parts[0], q.Parts[0]);
        for (int i = 1; i < p.Parts.Count; i++) sum = sum.add(Categorical(p.Parts[i], q.Parts[i]), TorchScalars.One);
        return sum;
    }

    static Tensor Bernoulli(Bernoulli p, Bernoulli q)
    {
        // log σ(l) = −softplus(−l), log(1 − σ(l)) = −softplus(l)
        var pp = p.Logits.sigmoid();
        var kl = (pp * (nn.functional.softplus(-q.Logits) - nn.functional.softplus(-p.Logits)))
               .add(pp.negative().add(One, TorchScalars.One) * (nn.functional.softplus(q.Logits) - nn.functional.softplus(p.Logits)), TorchScalars.One);
        return kl.sum(-1);
    }

    static Tensor Gaussian(DiagGaussian p, DiagGaussian q)
    {
        var varRatio = (p.LogStd - q.LogStd).mul(Two).exp();
        var meanTerm = (p.Mean - q.Mean).pow(TorchScalars.Two) * q.LogStd.mul(MinusTwo).exp();
        return (q.LogStd - p.LogStd).add(varRatio.add(meanTerm, TorchScalars.One).mul(Half), TorchScalars.One).sub(Half).sum(-1);
    }
}
