using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace PolicyGradient.Policies;

/// <summary>
/// Weight initialization. Orthogonal weights with zero biases (Saxe et al. 2014) are one of the PPO
/// implementation details (Engstrom et al. 2020; Huang et al. 2022 "37 details"): gain √2 for hidden
/// layers, 0.01 for the policy head (near-uniform initial policy), 1 for the value head.
/// </summary>
public static class Initialization
{
    /// <summary>√2, the gain for tanh/ReLU hidden layers used by SB3 and CleanRL.</summary>
    public static readonly double HiddenGain = Math.Sqrt(2.0);

    /// <summary>
    /// Sets every Linear layer inside <paramref name="module"/> (itself included) to orthogonal
    /// weights scaled by <paramref name="gain"/> and zero biases.
    /// </summary>
    public static void Orthogonal(nn.Module module, double gain)
    {
        using var _ = torch.no_grad();
        foreach (var m in module.modules().Prepend(module).Distinct())
        {
            if (m is Linear linear)
            {
                nn.init.orthogonal_(linear.weight, gain);
                if (linear.bias is not null) nn.init.zeros_(linear.bias);
            }
        }
    }
}
