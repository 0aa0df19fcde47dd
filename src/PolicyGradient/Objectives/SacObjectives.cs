using TorchSharp;
using static TorchSharp.torch;
using PolicyGradient.Interop;

namespace PolicyGradient.Objectives;

/// <summary>
/// The actor and temperature losses of Soft Actor-Critic (Haarnoja et al. 2018, "Soft Actor-Critic
/// Algorithms and Applications", eqs. 7 and 18), in SB3's form. The critic loss is
/// <see cref="TwinCriticLoss.HalfSumOfMse"/> against <see cref="ClippedDoubleQTarget"/>.
/// </summary>
public static class SacObjectives
{
    /// <summary>
    /// Actor loss mean_b(α·log π(ã_b|s_b) − min_i Q_i(s_b, ã_b)), ã the reparameterized sample; α is a
    /// constant here (detached). Worked number: α = 0.5, log π = [−1, −3], min Q = [2, 0] → mean(−2.5, −1.5) = −2.
    /// </summary>
    /// <param name="alpha">α, 0-dim (or [1]).</param>
    /// <param name="logProb">log π(ã|s), [B].</param>
    /// <param name="minQ">min_i Q_i(s, ã), [B].</param>
    public static Tensor ActorLoss(Tensor alpha, Tensor logProb, Tensor minQ) =>
        logProb.mul(alpha.detach()).sub(minQ).mean();

    /// <summary>
    /// Temperature loss −mean_b(log α · (log π(ã_b|s_b) + H̄)), the log-probabilities detached, so
    /// only log α receives a gradient: α grows while the entropy −log π is below the target H̄.
    /// Worked number: log α = 0.2, log π = [−1, −3], H̄ = −1 → −0.2·mean(−2, −4) = 0.6.
    /// </summary>
    /// <param name="logAlpha">log α, the learned parameter (0-dim or [1]).</param>
    /// <param name="logProb">log π(ã|s), [B].</param>
    /// <param name="targetEntropy">H̄ (SB3: −dim(A)).</param>
    public static Tensor TemperatureLoss(Tensor logAlpha, Tensor logProb, double targetEntropy)
    {
        using var target = targetEntropy.ToScalar();
        var shifted = logProb.detach().add(target, TorchScalars.One);
        return shifted.mul(logAlpha.reshape([])).mean().neg();
    }
}
