using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.VarianceReduction;

/// <summary>
/// The momentum-based variance-reduced policy-gradient direction of IS-MBPG (Huang, Gao, Pei and Huang 2020,
/// "Momentum-Based Policy Gradient Methods"), STORM's recursive correction (Cutkosky and Orabona 2019) made
/// unbiased for a moving policy by an importance weight:
/// <code>u_t = β g(τ_t; θ_t) + (1 − β) [u_{t−1} + g(τ_t; θ_t) − w_t g(τ_t; θ_{t−1})]
///     = g(τ_t; θ_t) + (1 − β) (u_{t−1} − w_t g(τ_t; θ_{t−1})),     w_t = p(τ_t | θ_{t−1}) / p(τ_t | θ_t)</code>
/// where g(τ; θ) is the policy-gradient estimate of the batch τ_t (played by θ_t) evaluated at θ. The bracket
/// corrects the previous direction by the change of the gradient between θ_{t−1} and θ_t measured on the same
/// batch, so its noise largely cancels; β = 1 is plain REINFORCE, and with θ_t = θ_{t−1} (w = 1, the two
/// gradients equal) it is the exponential average β g + (1 − β) u_{t−1}. A pure tensor function.
/// </summary>
public static class StormRecursion
{
    /// <summary>u_t from u_{t−1}, the batch's gradient at θ_t and at θ_{t−1}, the weight w_t and β ∈ (0, 1].</summary>
    /// <exception cref="ArgumentException">β outside (0, 1], a negative or non-finite weight, or shapes that differ.</exception>
    public static Tensor Direction(Tensor previous, Tensor gradient, Tensor previousPolicyGradient, double weight, double beta)
    {
        if (beta is <= 0 or > 1) throw new ArgumentException($"the momentum weight β must lie in (0, 1], got {beta}", nameof(beta));
        if (!(weight >= 0) || double.IsInfinity(weight)) throw new ArgumentException($"the importance weight must be finite and >= 0, got {weight}", nameof(weight));
        if (!previous.shape.SequenceEqual(gradient.shape) || !previous.shape.SequenceEqual(previousPolicyGradient.shape))
            throw new ArgumentException($"u_(t-1), g(θ_t) and g(θ_(t-1)) must have one shape, got [{string.Join(", ", previous.shape)}], [{string.Join(", ", gradient.shape)}] and [{string.Join(", ", previousPolicyGradient.shape)}]");
        using var minusWeight = (-weight).ToScalar();
        using var keep = (1 - beta).ToScalar();
        return gradient.add(previous.add(previousPolicyGradient, minusWeight), keep);
    }

    /// <summary>
    /// w_t = Π_steps π_{θ_{t−1}}(a|s) / π_{θ_t}(a|s) of one trajectory from its per-step log-probabilities under both
    /// policies (the environment's transition probabilities cancel), computed in log space.
    /// </summary>
    public static double TrajectoryWeight(ReadOnlySpan<double> previousLogProbs, ReadOnlySpan<double> currentLogProbs)
    {
        if (previousLogProbs.Length != currentLogProbs.Length)
            throw new ArgumentException($"the trajectory has {previousLogProbs.Length} log-probabilities under θ_(t-1) and {currentLogProbs.Length} under θ_t");
        double sum = 0;
        for (int t = 0; t < previousLogProbs.Length; t++) sum += previousLogProbs[t] - currentLogProbs[t];
        return Math.Exp(sum);
    }
}
