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
    static readonly object ThreadCountLock = new();

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
                OrthogonalFill(linear.weight!, gain);
                if (linear.bias is not null) nn.init.zeros_(linear.bias);
            }
        }
    }

    /// <summary>
    /// Fills <paramref name="weight"/> in place with <c>nn.init.orthogonal_(weight, gain)</c>
    /// (Gaussian draw from torch's global generator, then Q of its QR decomposition, sign-corrected),
    /// computed with ONE libtorch intra-op thread whatever <c>torch.set_num_threads</c> says. The
    /// Gaussian draw does not depend on the thread count, but the QR decomposition (LAPACK in MKL)
    /// does: measured, a 64×64 Q differed in its last bits between 1 and 2 threads, and from there
    /// every trajectory of a run. One thread keeps the same seed giving the same initial weights for
    /// every thread setting (and equal to the one-thread weights every figure in docs/ was measured
    /// with); the thread count is restored afterwards.
    /// </summary>
    public static void OrthogonalFill(Tensor weight, double gain)
    {
        using var _ = torch.no_grad();
        lock (ThreadCountLock)
        {
            int threads = torch.get_num_threads();
            if (threads != 1) torch.set_num_threads(1);
            try { nn.init.orthogonal_(weight, gain); }
            finally { if (threads != 1) torch.set_num_threads(threads); }
        }
    }
}
