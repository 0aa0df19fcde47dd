using PolicyGradient.Objectives;
using TorchSharp;
using static PolicyGradient.Tests.TensorAssert;
using static TorchSharp.torch;

namespace PolicyGradient.Tests.Objectives;

/// <summary>Decoupled PPO clipping (Hilton et al. 2021) and truncated importance weights, on hand-computed values.</summary>
public class StalenessCorrectionTests
{
    [Fact]
    public void Decoupled_clip_anchors_on_the_proximal_policy_and_weights_by_prox_over_behaviour()
    {
        using var scope = torch.NewDisposeScope();
        // Element 0: r = π/π_prox = 1.5 (clipped to 1.2 for A = 2 > 0), w = π_prox/μ = 3 truncated to 2 → −2·1.2·2 = −4.8.
        // Element 1: r = 0.5, A = 1: min(0.5, 0.8)·1 = 0.5; w = 0.25 → −0.125.
        var logp = T(MathF.Log(1.5f), MathF.Log(0.5f)).requires_grad_(true);
        var prox = T(0, 0);
        var behaviour = T(-MathF.Log(3), MathF.Log(4));
        var adv = T(2, 1);
        var (loss, clipped, w) = DecoupledClippedSurrogate.Compute(logp, prox, behaviour, adv, 0.2, 0.2, maxWeight: 2);
        Close([-4.8f, -0.125f], loss);
        Close([2, 0.25f], w);
        Assert.Equal([true, false], clipped.data<bool>().ToArray());
        loss.sum().backward();
        // ∂/∂logπ: element 0 is clipped (no gradient); element 1: −w·A·r = −0.25·1·0.5.
        Close([0, -0.125f], logp.grad!);
    }

    [Fact]
    public void With_behaviour_equal_to_proximal_it_is_plain_ppo()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(5);
        var logp = torch.randn(16);
        var old = logp + 0.3 * torch.randn(16);
        var adv = torch.randn(16);
        var (expected, _) = ClippedSurrogateObjective.Compute(logp, old, adv, 0.2, 0.28);
        var (loss, _, w) = DecoupledClippedSurrogate.Compute(logp, old, old, adv, 0.2, 0.28, maxWeight: 1.5);
        Close(Values(expected), loss, 1e-6);
        Close(Enumerable.Repeat(1f, 16).ToArray(), w);
    }

    [Fact]
    public void Truncated_weights_and_effective_sample_size()
    {
        using var scope = torch.NewDisposeScope();
        var w = TruncatedImportanceWeights.Compute(T(0, MathF.Log(5), MathF.Log(0.5f)), torch.zeros(3), cap: 2);
        Close([1, 2, 0.5f], w);
        Assert.False(w.requires_grad);
        // (1 + 2 + 0.5)² / (1 + 4 + 0.25) = 12.25 / 5.25.
        Assert.Equal(12.25 / 5.25, TruncatedImportanceWeights.EffectiveSampleSize(w), 5);
        Assert.Equal(4.0, TruncatedImportanceWeights.EffectiveSampleSize(torch.ones(4)), 10);
        Assert.Equal(1.0, TruncatedImportanceWeights.EffectiveSampleSize(T(1, 2, 0.5f), T(0, 1, 0)), 10);
        Assert.Throws<ArgumentOutOfRangeException>(() => TruncatedImportanceWeights.Compute(T(0), T(0), cap: 0));
    }
}
