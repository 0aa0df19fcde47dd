using TorchSharp;
using static TorchSharp.torch;
using PolicyGradient.Interop;

namespace PolicyGradient.Objectives;

/// <summary>
/// Soft Actor-Critic for discrete actions (Christodoulou 2019, "Soft Actor-Critic for Discrete Action
/// Settings", eqs. 10–12): with a categorical policy the expectations over actions are exact sums, so
/// no action is sampled. Inputs are per-action tensors [B, A]: π(·|s), log π(·|s) and min_i Q_i(s, ·).
/// The critic loss is <see cref="TwinCriticLoss.HalfSumOfMse"/> on Q_i(s, a_taken) against
/// <see cref="ClippedDoubleQTarget.FromValue"/> of <see cref="NextValue"/>.
/// </summary>
public static class DiscreteSacObjectives
{
    /// <summary>
    /// The soft value V(s') = Σ_a π(a|s')·(min_i Q'_i(s', a) − α log π(a|s')), [B], without gradient.
    /// Worked number: π = [0.5, 0.5], log π = ln 0.5, min Q' = [1, 3], α = 1 → 2 + ln 2 ≈ 2.6931.
    /// </summary>
    public static Tensor NextValue(Tensor probs, Tensor logProbs, Tensor minQ, Tensor alpha)
    {
        using var noGrad = torch.no_grad();
        return probs.mul(minQ.sub(logProbs.mul(alpha))).sum(-1);
    }

    /// <summary>
    /// Actor loss mean_b Σ_a π(a|s_b)·(α log π(a|s_b) − min_i Q_i(s_b, a)); Q and α detached.
    /// Worked number: π = [0.5, 0.5], α = 1, min Q = [1, 3] → −ln 2 − 2 ≈ −2.6931.
    /// </summary>
    public static Tensor ActorLoss(Tensor probs, Tensor logProbs, Tensor minQ, Tensor alpha) =>
        probs.mul(logProbs.mul(alpha.detach()).sub(minQ.detach())).sum(-1).mean();

    /// <summary>
    /// Temperature loss −mean_b(log α · (Σ_a π(a|s_b) log π(a|s_b) + H̄)), the policy terms detached
    /// (Christodoulou eq. 11 with log α as the variable, as continuous SAC): α grows while the policy's
    /// entropy is below the target H̄. Worked number: log α = 0.1, π uniform over 2, H̄ = 0.5 →
    /// −0.1·(−ln 2 + 0.5) ≈ 0.019315.
    /// </summary>
    public static Tensor TemperatureLoss(Tensor logAlpha, Tensor probs, Tensor logProbs, double targetEntropy)
    {
        using var target = targetEntropy.ToScalar();
        var negEntropy = probs.detach().mul(logProbs.detach()).sum(-1);
        return negEntropy.add(target, TorchScalars.One).mul(logAlpha.reshape([])).mean().neg();
    }

    /// <summary>Entropy −Σ_a π(a|s) log π(a|s) per row, [B].</summary>
    public static Tensor Entropy(Tensor probs, Tensor logProbs) => probs.mul(logProbs).sum(-1).neg();
}
