using TorchSharp;
using static TorchSharp.torch;
using PolicyGradient.Interop;

namespace PolicyGradient.Objectives;

/// <summary>
/// The bootstrapped critic target of the off-policy actor-critics. TD3's clipped double-Q
/// (Fujimoto et al. 2018, eq. 10) and SAC's soft target (Haarnoja et al. 2018, eq. 3 with twin critics):
/// y = r + γᵏ·(1 − d)·(min_i Q'_i(s', a') − α log π(a'|s')), the α term for SAC only. γᵏ is the replay
/// batch's per-row discount (γ for one-step returns, γᵏ for a k-step return), d the termination flag
/// (a truncated step bootstraps: d = 0). The result carries no gradient (it is a regression target).
/// Worked number: r = 1, γ = 0.5, d = 0, Q'₁ = 4, Q'₂ = 2, α log π = −1 → y = 1 + 0.5·(2 + 1) = 2.5.
/// </summary>
public static class ClippedDoubleQTarget
{
    /// <summary>
    /// y from the target critics' values <paramref name="nextQ"/> [B, n] (n critics; [B] for one) and
    /// the optional entropy term α·log π(a'|s') [B].
    /// </summary>
    /// <param name="rewards">r (the n-step discounted sum for n-step returns), [B].</param>
    /// <param name="discounts">γᵏ per row, [B].</param>
    /// <param name="dones">1 where the step terminated, [B].</param>
    /// <param name="nextQ">Q'_i(s', a'), [B, n] or [B].</param>
    /// <param name="entropyTerm">α·log π(a'|s') (SAC), [B]; null for TD3 and DDPG.</param>
    public static Tensor Compute(Tensor rewards, Tensor discounts, Tensor dones, Tensor nextQ, Tensor? entropyTerm = null)
    {
        using var noGrad = torch.no_grad();
        var minQ = nextQ.dim() == 1 ? nextQ : nextQ.amin(1);
        var value = entropyTerm is null ? minQ : minQ.sub(entropyTerm);
        return FromValue(rewards, discounts, dones, value);
    }

    /// <summary>y = r + γᵏ·(1 − d)·V(s') for a next-state value V(s') [B] (discrete SAC's soft value).</summary>
    public static Tensor FromValue(Tensor rewards, Tensor discounts, Tensor dones, Tensor nextValue)
    {
        using var noGrad = torch.no_grad();
        var notDone = torch.ones_like(dones).sub(dones);
        return rewards.add(discounts.mul(notDone).mul(nextValue.detach()), TorchScalars.One);
    }
}
