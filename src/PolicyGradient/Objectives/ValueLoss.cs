using TorchSharp;
using static TorchSharp.torch;
using PolicyGradient.Interop;

namespace PolicyGradient.Objectives;

/// <summary>
/// Critic regression loss, per element. Default (SB3): (V − R)² with no ½ factor — SB3 applies
/// F.mse_loss and weights it with vf_coef = 0.5; CleanRL writes 0.5·(…)² with vf_coef 0.5, so its
/// value gradient is half of SB3's. With <c>clipRange</c> (PPO value clipping, Schulman et al. 2017
/// baselines; Engstrom et al. 2020): V_clip = V_old + clip(V − V_old, −ε, ε) and the loss is the
/// pessimistic max((V − R)², (V_clip − R)²) (CleanRL/verl; SB3 uses only the clipped term).
/// </summary>
public static class ValueLoss
{
    /// <summary>Per-element squared error, optionally clipped around <paramref name="oldValues"/>.</summary>
    public static Tensor Compute(Tensor values, Tensor returns, Tensor? oldValues = null, double? clipRange = null)
    {
        var target = returns.detach();
        var unclipped = (values - target).pow(TorchScalars.Two);
        if (clipRange is not double eps) return unclipped;
        if (oldValues is null) throw new ArgumentException("value clipping needs oldValues (the rollout's value predictions)", nameof(oldValues));
        var old = oldValues.detach();
        using var low = (-eps).ToScalar();
        using var high = eps.ToScalar();
        var valuesClipped = old.add((values - old).clamp(low, high), TorchScalars.One);
        return torch.maximum(unclipped, (valuesClipped - target).pow(TorchScalars.Two));
    }
}
