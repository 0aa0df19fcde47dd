using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Objectives;

/// <summary>
/// What a policy loss of <see cref="PolicyLossRegistry"/> sees (verl's <c>compute_policy_loss_*</c>
/// inputs as plain tensors and numbers): all tensors [B, L] over a batch of B responses.
/// </summary>
/// <param name="LogProbs">log π(y_t) under the current policy, with gradient.</param>
/// <param name="OldLogProbs">log π_old(y_t) of the policy that sampled the batch (no gradient).</param>
/// <param name="Advantages">A_t (no gradient).</param>
/// <param name="Mask">1 on the response tokens the loss covers, 0 on padding and invalid samples; sequence
/// ratios and batch statistics are taken over it.</param>
/// <param name="ClipLow">Lower clip range ε_low (PPO, GSPO, CISPO, GMPO in log space, Clip-Cov).</param>
/// <param name="ClipHigh">Upper clip range ε_high.</param>
public sealed record PolicyLossInput(Tensor LogProbs, Tensor OldLogProbs, Tensor Advantages, Tensor Mask, double ClipLow, double ClipHigh)
{
    /// <summary>PPO's dual-clip constant c &gt; 1 (Ye et al. 2020), or null for none.</summary>
    public double? DualClip { get; init; }

    /// <summary>log r is clamped to [−c, c] before exp (verl 20), or null for no clamp.</summary>
    public double? LogRatioClamp { get; init; }

    /// <summary>Per-token entropy H_t of the current policy, detached (for entropy-aware losses).</summary>
    public Tensor? Entropy { get; init; }

    /// <summary>Group id of each response [B] (integers; the responses sampled for one prompt share one), for losses
    /// that need whole groups (<see cref="PolicyLossEntry.NeedsWholeGroups"/>); null when the trainer has none.</summary>
    public Tensor? GroupIds { get; init; }

    /// <summary>GVPO's β, the scale of the implicit reward β·log(π/π_old) (verl's recipe: gvpo_beta 0.1).</summary>
    public double GvpoBeta { get; init; } = GvpoObjective.DefaultBeta;

    /// <summary>The trainer's checkpointed generator, given to losses that draw random numbers
    /// (<see cref="PolicyLossEntry.NeedsGenerator"/>), so resumed runs draw the same ones.</summary>
    public Generator? Generator { get; init; }
}
