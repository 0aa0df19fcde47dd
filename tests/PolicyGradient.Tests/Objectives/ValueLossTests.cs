using PolicyGradient.Objectives;
using TorchSharp;
using static PolicyGradient.Tests.TensorAssert;

namespace PolicyGradient.Tests.Objectives;

public class ValueLossTests
{
    [Fact]
    public void Unclipped_is_squared_error_without_half_and_gradient_is_twice_the_error()
    {
        using var scope = torch.NewDisposeScope();
        var v = T(1, 2).requires_grad_(true);
        var loss = ValueLoss.Compute(v, T(3, 1));
        Close([4, 1], loss);
        loss.sum().backward();
        Close([-4, 2], v.grad!);
    }

    [Fact]
    public void Clipped_takes_the_pessimistic_max()
    {
        using var scope = torch.NewDisposeScope();
        // old 0, ε 0.5. V = 2, R = 3: unclipped 1, clipped V_c = 0.5 -> 6.25 => 6.25 (no gradient to V)
        // V = 2, R = 0: unclipped 4, clipped 0.25 => 4 (gradient 2(V-R) = 4)
        var v = T(2, 2).requires_grad_(true);
        var loss = ValueLoss.Compute(v, T(3, 0), T(0, 0), 0.5);
        Close([6.25f, 4], loss);
        loss.sum().backward();
        Close([0, 4], v.grad!);
        Assert.Throws<ArgumentException>(() => ValueLoss.Compute(v, T(3, 0), null, 0.5));
    }
}
