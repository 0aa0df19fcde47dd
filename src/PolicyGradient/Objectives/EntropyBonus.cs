using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Objectives;

/// <summary>
/// Entropy regularization (Williams and Peng 1991; Mnih et al. 2016): the loss adds −c_ent·H(π), so
/// minimizing it raises the entropy. This returns the per-element loss term −H; multiply by the
/// coefficient (SB3 ent_coef, default 0 for PPO, 0 for A2C; CleanRL 0.01) after aggregation.
/// </summary>
public static class EntropyBonus
{
    /// <summary>Per-element entropy loss −H.</summary>
    public static Tensor Compute(Tensor entropy) => -entropy;
}
