using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Objectives;

/// <summary>
/// The vanilla policy-gradient (score-function) loss, per element: L = −A · log π(a|s)
/// (Williams 1992, REINFORCE; Sutton et al. 2000). Its gradient is −A ∇log π, the likelihood-ratio
/// estimator of −∇J. Advantages are treated as constants (detached here).
/// </summary>
public static class PolicyGradientLoss
{
    /// <summary>Per-element loss −A·logπ, shape of <paramref name="logProbs"/>.</summary>
    public static Tensor Compute(Tensor logProbs, Tensor advantages) => -(advantages.detach() * logProbs);
}
