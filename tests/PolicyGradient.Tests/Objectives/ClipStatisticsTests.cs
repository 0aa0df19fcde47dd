using PolicyGradient.Objectives;
using TorchSharp;
using static PolicyGradient.Tests.TensorAssert;
using static TorchSharp.torch;

namespace PolicyGradient.Tests.Objectives;

public class ClipStatisticsTests
{
    [Fact]
    public void Low_high_and_dual_sides_are_told_apart_and_together_match_the_objective()
    {
        using var scope = torch.NewDisposeScope();
        var ratio = T(0.7f, 1.3f, 1.3f, 0.7f, 4.0f);
        var adv = T(-1f, 1f, -1f, 1f, -1f);
        var old = torch.zeros(5);
        var logp = ratio.log();
        var (low, high, dual) = ClipStatistics.Masks(logp, old, adv, 0.2, 0.28, dualClip: 3);
        Close([1, 0, 0, 0, 0], low);
        Close([0, 1, 0, 0, 0], high);
        Close([0, 0, 0, 0, 1], dual);
        var (_, clipped) = ClippedSurrogateObjective.Compute(logp, old, adv, 0.2, 0.28, dualClip: 3);
        Close(Values(clipped), low.logical_or(high).logical_or(dual));
        var f = ClipStatistics.Compute(logp, old, adv, T(1, 1, 1, 1, 0), 0.2, 0.28, dualClip: 3);
        Assert.Equal((0.25, 0.25, 0.0), f);
    }

    [Fact]
    public void Dual_clip_caps_the_loss_of_negative_advantages_at_c_times_minus_a()
    {
        using var scope = torch.NewDisposeScope();
        var logp = T(4.0f, 2.0f).log().requires_grad_(true);
        var (loss, _) = ClippedSurrogateObjective.Compute(logp, torch.zeros(2), T(-1f, -1f), 0.2, 0.28, dualClip: 3);
        Close([3f, 2f], loss);              // min(max(4, 1.28), 3) = 3; r = 2 below c: 2
        loss.sum().backward();
        Close([0f, 2f], logp.grad!);        // the capped token has no gradient; d(r)/dlogπ = r
    }
}
