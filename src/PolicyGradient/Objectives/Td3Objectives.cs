using static TorchSharp.torch;

namespace PolicyGradient.Objectives;

/// <summary>
/// The deterministic policy-gradient actor loss of DDPG (Lillicrap et al. 2016) and TD3 (Fujimoto et
/// al. 2018): −mean_b Q₁(s_b, μ(s_b)), through the first critic only (TD3 §4.2, SB3's q1_forward).
/// The critic loss is <see cref="TwinCriticLoss.SumOfMse"/> against <see cref="ClippedDoubleQTarget"/>.
/// Worked number: Q₁ = [1, 3] → −2.
/// </summary>
public static class Td3Objectives
{
    /// <summary>−mean(Q₁(s, μ(s))) for <paramref name="q1"/> [B] (or [B, 1]).</summary>
    public static Tensor ActorLoss(Tensor q1) => q1.mean().neg();
}
