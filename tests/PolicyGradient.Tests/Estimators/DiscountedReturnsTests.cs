using PolicyGradient.Estimators;
using TorchSharp;
using static PolicyGradient.Tests.TensorAssert;
using static TorchSharp.torch;

namespace PolicyGradient.Tests.Estimators;

public class DiscountedReturnsTests
{
    [Fact]
    public void Reward_to_go_resets_at_done_and_bootstraps_at_the_end()
    {
        using var scope = torch.NewDisposeScope();
        var r = T(1, 2, 3, 4).reshape(4, 1);
        var d = T(0, 1, 0, 0).reshape(4, 1);
        var g = DiscountedReturns.Compute(r, d, 0.5, T(8));
        // G3 = 4 + 0.5*8 = 8; G2 = 3 + 4 = 7; G1 = 2 (done); G0 = 1 + 1 = 2
        Close([2, 2, 7, 8], g);
        Assert.Equal(new long[] { 4, 1 }, g.shape);
    }

    [Fact]
    public void Without_bootstrap_the_tail_is_zero()
    {
        using var scope = torch.NewDisposeScope();
        var g = DiscountedReturns.Compute(T(1, 1, 1), torch.zeros(3), 0.9);
        Close([1 + 0.9f + 0.81f, 1.9f, 1], g);
    }
}
