using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Objectives;

/// <summary>
/// The pieces of a natural-gradient step under a KL trust region (TRPO, Schulman et al. 2015,
/// "Trust Region Policy Optimization", §6 and appendix C): the Fisher-vector product by double
/// backpropagation, conjugate gradient to solve F s = g without forming F, and a backtracking line
/// search that accepts the first step improving the surrogate inside the KL bound.
/// </summary>
public static class NaturalGradient
{
    /// <summary>
    /// The inner product ⟨a, b⟩ = Σ_i a_i b_i of two vectors, as an element-wise product and a sum.
    /// <c>Tensor.dot</c> calls BLAS sdot (Intel MKL on CPU), which splits longer vectors across the
    /// libtorch threads, so its last bits depend on <c>torch.set_num_threads</c> (measured: a
    /// 9,220-entry dot differed between 1 and 2 threads, an 8,000-entry one did not; CartPole's
    /// actor-critic has 9,155 parameters). libtorch's own CPU sum gave the same bits with 1 and 2
    /// threads up to 150,000 entries (not from 200,000 on), so this product is thread-count
    /// independent for networks of that size. Example: Dot([1, 2, 3], [4, 5, 6]) = 32.
    /// </summary>
    public static Tensor Dot(Tensor a, Tensor b) => (a * b).sum();

    /// <summary>
    /// Conjugate gradient (Hestenes and Stiefel 1952) for A x = b with A symmetric positive definite,
    /// given only v ↦ A v; stops after <paramref name="maxSteps"/> iterations or when rᵀr &lt;
    /// <paramref name="residualTolerance"/>. Returns x (same shape as b). Exact in n steps for an n×n
    /// system (in exact arithmetic).
    /// </summary>
    public static Tensor ConjugateGradient(Func<Tensor, Tensor> matrixVectorProduct, Tensor b, int maxSteps, double residualTolerance = 1e-10)
    {
        using var _ = torch.no_grad();
        var x = torch.zeros_like(b);
        var r = b.detach().clone();
        var p = r.clone();
        double rr = Dot(r, r).item<float>();
        for (int i = 0; i < maxSteps && rr >= residualTolerance; i++)
        {
            Tensor ap;
            using (torch.enable_grad()) ap = matrixVectorProduct(p).detach();
            double pap = Dot(p, ap).item<float>();
            if (!(pap > 0)) break; // not positive definite along p (numerically): stop with the current x
            double alpha = rr / pap;
            using (var step = alpha.ToScalar()) x.add_(p, step);
            using (var negativeStep = (-alpha).ToScalar()) r.add_(ap, negativeStep);
            double rrNew = Dot(r, r).item<float>();
            using (var beta = (rrNew / rr).ToScalar()) p = r + p.mul(beta);
            rr = rrNew;
        }
        return x;
    }

    /// <summary>
    /// v ↦ (H + λI) v where H is the Hessian of <paramref name="meanKl"/> with respect to
    /// <paramref name="parameters"/> (1-D, requires grad). With meanKl = mean_s KL(π_old(·|s) ‖ π_θ(·|s))
    /// evaluated at θ = θ_old, H is the average Fisher information matrix F (Amari 1998; Kakade 2002),
    /// so this is the damped Fisher-vector product F v + λ v, computed as ∇_θ[(∇_θ KL)ᵀ v] (Pearlmutter
    /// 1994) without forming F. λ = <paramref name="damping"/> (sb3-contrib cg_damping 0.1).
    /// </summary>
    public static Func<Tensor, Tensor> FisherVectorProduct(Tensor meanKl, Tensor parameters, double damping)
    {
        var klGradient = torch.autograd.grad([meanKl], [parameters], retain_graph: true, create_graph: true)[0];
        return v =>
        {
            var hv = torch.autograd.grad([klGradient.dot(v.detach())], [parameters], retain_graph: true)[0];
            using var lambda = damping.ToScalar();
            return hv.detach() + v.detach().mul(lambda);
        };
    }

    /// <summary>
    /// Backtracking line search on a step fraction c = 1, β, β², … (β = <paramref name="shrinkingFactor"/>,
    /// sb3-contrib 0.8, at most <paramref name="maxIterations"/>, sb3-contrib 10): <paramref name="evaluate"/>(c)
    /// applies θ_old + c·Δ and returns (surrogate objective, mean KL); the first c with KL &lt;
    /// <paramref name="maxKl"/> and objective &gt; <paramref name="baselineObjective"/> is accepted.
    /// Returns whether a step was accepted, its fraction (0 if none) and the evaluations made.
    /// The caller restores θ_old when no step is accepted.
    /// </summary>
    public static (bool Accepted, double StepFraction, int Evaluations) BacktrackingLineSearch(
        Func<double, (double Objective, double Kl)> evaluate, double baselineObjective, double maxKl, double shrinkingFactor, int maxIterations)
    {
        double fraction = 1.0;
        for (int i = 0; i < maxIterations; i++)
        {
            var (objective, kl) = evaluate(fraction);
            if (kl < maxKl && objective > baselineObjective) return (true, fraction, i + 1);
            fraction *= shrinkingFactor;
        }
        return (false, 0.0, maxIterations);
    }
}
