using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Policies;

/// <summary>
/// A batch of action distributions produced by a policy head. Every method works on the whole batch;
/// <see cref="LogProb"/> and <see cref="Entropy"/> return one value per batch row (summed over action
/// dimensions). Discrete actions are float tensors holding integers (the environments' flat encoding);
/// int64 actions are accepted too.
/// </summary>
public interface IActionDistribution
{
    /// <summary>log π(a) per batch row, differentiable with respect to the distribution parameters.</summary>
    Tensor LogProb(Tensor actions);

    /// <summary>Entropy per batch row (an estimate where no closed form exists; see the implementation).</summary>
    Tensor Entropy();

    /// <summary>Draws one action per batch row (no gradient), using <paramref name="generator"/> when given.</summary>
    Tensor Sample(torch.Generator? generator = null);

    /// <summary>The most likely action per batch row (deterministic evaluation).</summary>
    Tensor Mode();
}
