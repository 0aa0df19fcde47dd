using PolicyGradient.Policies;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Algorithms.OnPolicy;

/// <summary>
/// Closed-form KL(p ‖ q) per batch row for two distributions of the same kind (the sample-based
/// estimators in Estimators/KlEstimators serve logging; TRPO's constraint and its Hessian, the Fisher
/// matrix, need the exact divergence — as torch.distributions.kl_divergence in sb3-contrib).
/// Categorical: Σ p (log p − log q). Bernoulli: Σ [σ(a)(log σ(a) − log σ(b)) + σ(−a)(log σ(−a) − log σ(−b))].
/// Diagonal Gaussian: Σ [log σ_q − log σ_p + (σ_p² + (μ_p − μ_q)²)/(2σ_q²) − ½].
/// </summary>
internal static class AnalyticKl
{
    public static Tensor Compute(IActionDistribution p, IActionDistribution q) => (p, q) switch
    {
        (Categorical a, Categorical b) => (a.Probs * (a.LogProbs - b.LogProbs)).sum(-1),
        (MultiCategorical a, MultiCategorical b) => a.Parts.Zip(b.Parts, (x, y) => Compute(x, y)).Aggregate((s, k) => s + k),
        (Bernoulli a, Bernoulli b) => Bernoulli(a.Logits, b.Logits),
        (DiagGaussian a, DiagGaussian b) => Gaussian(a, b),
        _ => throw new NotSupportedException($"no closed-form KL between {p.GetType().Name} and {q.GetType().Name}"),
    };

    static Tensor Bernoulli(Tensor a, Tensor b)
    {
        var pa = a.sigmoid();
        var logPa = nn.functional.logsigmoid(a); var logNa = nn.functional.logsigmoid(-a);
        var logPb = nn.functional.logsigmoid(b); var logNb = nn.functional.logsigmoid(-b);
        return (pa * (logPa - logPb) + (1 - pa) * (logNa - logNb)).sum(-1);
    }

    static Tensor Gaussian(DiagGaussian p, DiagGaussian q)
    {
        var varP = (2 * p.LogStd).exp(); var varQ = (2 * q.LogStd).exp();
        return (q.LogStd - p.LogStd + (varP + (p.Mean - q.Mean).square()) / (2 * varQ) - 0.5).sum(-1);
    }
}
