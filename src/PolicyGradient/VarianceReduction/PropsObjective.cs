using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.VarianceReduction;

/// <summary>
/// The behaviour-policy loss of PROPS, Proximal Robust On-Policy Sampling (Corrado and Hanna 2024, "On-Policy
/// Policy Gradient Reinforcement Learning Without On-Policy Sampling"; after ROS, Zhong et al. 2022). The
/// behaviour policy π_φ, reset to the target π_θ before each update, is moved to make the actions the data D
/// already holds <em>less</em> likely, so that the next samples fill what D under-samples relative to π_θ:
/// <code>L(φ) = mean_{(s,a)∈D} max(ρ, clip(ρ, 1 − ε, 1 + ε)) + λ · mean_{s∈D} D_KL(π_θ(·|s) ‖ π_φ(·|s)),   ρ = π_φ(a|s) / π_θ(a|s)</code>
/// Minimizing ρ lowers π_φ(a|s) for every (s, a) in D. The clipping is PPO's, turned around: once ρ &lt; 1 − ε the
/// max is the constant 1 − ε and the pair's gradient is 0, so no action is pushed below (1 − ε)·π_θ in one update;
/// above 1 + ε the ratio itself is kept (no upper clip: an over-sampled action may always be pushed down). The KL
/// term (weight λ) keeps π_φ near π_θ; the paper also stops the update early once the approximate KL exceeds a
/// target δ. The KL is an argument (per state, e.g. the closed form of <c>DistributionKl</c>); the authors'
/// code uses the one-sample estimate π_θ(a|s)(log π_θ(a|s) − log π_φ(a|s)) instead.
/// </summary>
public static class PropsObjective
{
    /// <summary>The scalar loss L(φ), differentiable with respect to <paramref name="behaviourLogProbs"/> and <paramref name="klTargetToBehaviour"/>.</summary>
    /// <param name="behaviourLogProbs">log π_φ(a|s) per pair [B] (with gradient).</param>
    /// <param name="targetLogProbs">log π_θ(a|s) per pair [B] (treated as constants).</param>
    /// <param name="klTargetToBehaviour">D_KL(π_θ(·|s) ‖ π_φ(·|s)) per state [B].</param>
    /// <param name="clipRange">ε (the paper's ε_PROPS), &gt; 0 and &lt; 1.</param>
    /// <param name="klWeight">λ ≥ 0.</param>
    /// <exception cref="ArgumentException">ε outside (0, 1), λ negative, or shapes that differ.</exception>
    public static Tensor BehaviourLoss(Tensor behaviourLogProbs, Tensor targetLogProbs, Tensor klTargetToBehaviour, double clipRange, double klWeight)
    {
        if (clipRange is <= 0 or >= 1) throw new ArgumentException($"the PROPS clip range ε must lie in (0, 1), got {clipRange}", nameof(clipRange));
        if (klWeight < 0) throw new ArgumentException($"the PROPS KL weight λ must be >= 0, got {klWeight}", nameof(klWeight));
        if (!behaviourLogProbs.shape.SequenceEqual(targetLogProbs.shape) || !behaviourLogProbs.shape.SequenceEqual(klTargetToBehaviour.shape))
            throw new ArgumentException($"log π_φ, log π_θ and the KL must have one shape, got [{string.Join(", ", behaviourLogProbs.shape)}], [{string.Join(", ", targetLogProbs.shape)}] and [{string.Join(", ", klTargetToBehaviour.shape)}]");
        var ratio = (behaviourLogProbs - targetLogProbs.detach()).exp();
        using var lower = (1 - clipRange).ToScalar();
        using var upper = (1 + clipRange).ToScalar();
        using var lambda = klWeight.ToScalar();
        return torch.maximum(ratio, ratio.clamp(lower, upper)).mean().add(klTargetToBehaviour.mean(), lambda);
    }

    /// <summary>The fraction of pairs whose gradient the clipping removed (ρ &lt; 1 − ε), as a float tensor.</summary>
    public static Tensor ClippedFraction(Tensor behaviourLogProbs, Tensor targetLogProbs, double clipRange)
    {
        using var lower = (1 - clipRange).ToScalar();
        return (behaviourLogProbs - targetLogProbs).detach().exp().lt(lower).to_type(ScalarType.Float32).mean();
    }
}
