using PolicyGradient.Objectives;
using TorchSharp;
using static PolicyGradient.Tests.TensorAssert;

namespace PolicyGradient.Tests.Distributed;

/// <summary>
/// The async language correction on hand-computed tokens: advantages multiplied by w = min(π_old/μ, cap)
/// (π_old the learner's policy when the batch arrived, μ the worker's sampler) and then PPO's clipped
/// surrogate anchored on π_old, which is the decoupled clip of Hilton et al. with truncated weights.
/// </summary>
public class LanguageStalenessCorrectionTests
{
    [Fact]
    public void Weighted_advantages_give_the_hand_computed_losses_and_gradients()
    {
        using var scope = torch.NewDisposeScope();
        // Token 0: π_old/μ = 3 truncated to 2; A = 2; r = π/π_old = 1.5 clipped to 1.2 → −1.2·2·2 = −4.8, no gradient.
        // Token 1: w = 1/4; A = 1; r = 0.5 (min(0.5, 0.8)) → −0.5·0.25 = −0.125; ∂/∂log π = −w·A·r = −0.125.
        // Token 2: w = 1/0.8 = 1.25; A = −1; r = 1.1 (inside the clip) → 1.1·1.25 = 1.375; ∂/∂log π = 1.375.
        var logp = T(MathF.Log(1.5f), MathF.Log(0.5f), MathF.Log(1.1f)).requires_grad_(true);
        var old = T(0, 0, 0);
        var behaviour = T(-MathF.Log(3), MathF.Log(4), MathF.Log(0.8f));
        var advantages = T(2, 1, -1);
        var w = TruncatedImportanceWeights.Compute(old, behaviour, cap: 2);
        Close([2, 0.25f, 1.25f], w);
        var (loss, clipped) = ClippedSurrogateObjective.Compute(logp, old, advantages.mul(w), 0.2, 0.2);
        Close([-4.8f, -0.125f, 1.375f], loss);
        Assert.Equal([true, false, false], clipped.data<bool>().ToArray());
        loss.sum().backward();
        Close([0, -0.125f, 1.375f], logp.grad!);
        // The same as the decoupled clip with the weight outside the min (w ≥ 0 factors out).
        var (decoupled, _, _) = DecoupledClippedSurrogate.Compute(logp.detach(), old, behaviour, advantages, 0.2, 0.2, maxWeight: 2);
        Close(loss.detach().data<float>().ToArray(), decoupled);
    }

    [Fact]
    public void On_policy_tokens_get_weight_one_and_the_weights_carry_no_gradient()
    {
        using var scope = torch.NewDisposeScope();
        var current = T(-0.3f, -1.2f, -2.5f).requires_grad_(true);
        var w = TruncatedImportanceWeights.Compute(current, current.detach(), cap: 2);
        Close([1, 1, 1], w);
        Assert.False(w.requires_grad);
    }
}
