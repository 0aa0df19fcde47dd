using TorchSharp;
using static TorchSharp.torch;
using PolicyGradient.Interop;

namespace PolicyGradient.Objectives;

/// <summary>
/// The regression loss of n critics against one target y: Σ_i mean_b (Q_i(s_b, a_b) − y_b)², times
/// ½ for SAC (SB3's <c>0.5 * sum(mse_loss(q, y))</c>) and times 1 for TD3 and DDPG (SB3's
/// <c>sum(mse_loss(q, y))</c>). The target is detached. Worked number: Q₁ = [1, 3], Q₂ = [2, 2],
/// y = [2, 2] → Σ MSE = (1 + 1)/2 + 0 = 1; SAC's loss 0.5.
/// </summary>
public static class TwinCriticLoss
{
    static readonly Scalar HalfScalar = 0.5.ToScalar();

    /// <summary>Σ_i MSE(Q_i, y) for <paramref name="q"/> [B, n] (or [B] for one critic) and y [B].</summary>
    public static Tensor SumOfMse(Tensor q, Tensor target)
    {
        var y = target.detach();
        if (q.dim() == 1) return q.sub(y).pow(TorchScalars.Two).mean();
        return q.sub(y.unsqueeze(1)).pow(TorchScalars.Two).mean([0L]).sum();
    }

    /// <summary>SAC's ½·Σ_i MSE(Q_i, y).</summary>
    public static Tensor HalfSumOfMse(Tensor q, Tensor target) => SumOfMse(q, target).mul(HalfScalar);
}
