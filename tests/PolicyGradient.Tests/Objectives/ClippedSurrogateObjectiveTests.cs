using PolicyGradient.Objectives;
using TorchSharp;
using static PolicyGradient.Tests.TensorAssert;
using static TorchSharp.torch;

namespace PolicyGradient.Tests.Objectives;

public class ClippedSurrogateObjectiveTests
{
    static float Ln(double x) => (float)Math.Log(x);

    [Fact]
    public void Values_clip_mask_and_gradients_match_hand_computation()
    {
        using var scope = torch.NewDisposeScope();
        // ratios 1.5, 0.5, 1.1, 0.7 ; advantages +1, -1, +2, +1 ; ε = 0.2
        var old = torch.zeros(4);
        var logp = T(Ln(1.5), Ln(0.5), Ln(1.1), Ln(0.7)).requires_grad_(true);
        var adv = T(1, -1, 2, 1);
        var (loss, clipped) = ClippedSurrogateObjective.Compute(logp, old, adv, 0.2, 0.2);
        // 1: max(-1.5, -1.2) = -1.2 clipped ; 2: max(0.5, 0.8) = 0.8 clipped ;
        // 3: max(-2.2, -2.2) = -2.2 not clipped (inside range) ; 4: max(-0.7, -0.8) = -0.7 unclipped term wins
        Close([-1.2f, 0.8f, -2.2f, -0.7f], loss);
        Assert.Equal(new[] { true, true, false, false }, clipped.data<bool>().ToArray());
        loss.sum().backward();
        // d/dlogp of -A r = -A r where unclipped is active, 0 where clipped
        Close([0, 0, -2.2f, -0.7f], logp.grad!);
    }

    [Fact]
    public void Asymmetric_clip_uses_low_and_high_bounds()
    {
        using var scope = torch.NewDisposeScope();
        var logp = T(Ln(1.5), Ln(0.5));
        var (loss, _) = ClippedSurrogateObjective.Compute(logp, torch.zeros(2), T(1, -1), 0.1, 0.3);
        Close([-1.3f, 0.9f], loss);
    }

    [Fact]
    public void Dual_clip_bounds_the_loss_for_negative_advantages()
    {
        using var scope = torch.NewDisposeScope();
        // ratio 5 with A = -1: standard clip gives max(5, 1.2) = 5; dual clip c = 3 caps it at 3.
        // ratio 5 with A = +1: clip gives -1.2, dual clip does not apply.
        // ratio 2 with A = -1: loss 2 < 3, dual clip inactive.
        var logp = T(Ln(5), Ln(5), Ln(2)).requires_grad_(true);
        var (loss, clipped) = ClippedSurrogateObjective.Compute(logp, torch.zeros(3), T(-1, 1, -1), 0.2, 0.2, dualClip: 3);
        Close([3, -1.2f, 2], loss);
        Assert.Equal(new[] { true, true, false }, clipped.data<bool>().ToArray());
        loss.sum().backward();
        Close([0, 0, 2], logp.grad!);   // d(-A r)/dlogp = -A r = 2 for the third
        Assert.Throws<ArgumentOutOfRangeException>(() => ClippedSurrogateObjective.Compute(logp, torch.zeros(3), T(-1, 1, -1), 0.2, 0.2, dualClip: 1));
    }

    [Fact]
    public void Log_ratio_clamp_limits_the_ratio()
    {
        using var scope = torch.NewDisposeScope();
        var (loss, _) = ClippedSurrogateObjective.Compute(T(100), T(0), T(-1), 0.2, 0.2, logRatioClamp: 2);
        Close((float)Math.Exp(2), loss, 1e-5);
    }

    [Fact]
    public void Clip_fraction_counts_valid_clipped_elements()
    {
        using var scope = torch.NewDisposeScope();
        var mask = torch.tensor(new[] { true, true, false, false });
        Close(0.5, ClipFraction.Compute(mask));
        Close(1.0, ClipFraction.Compute(mask, T(1, 1, 0, 1)) * 1.5);   // 2 of 3 valid
        Close(0.0, ClipFraction.Compute(mask, torch.zeros(4)));
    }
}
