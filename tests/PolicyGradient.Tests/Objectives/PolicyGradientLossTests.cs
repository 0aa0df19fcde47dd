using PolicyGradient.Objectives;
using TorchSharp;
using static PolicyGradient.Tests.TensorAssert;

namespace PolicyGradient.Tests.Objectives;

public class PolicyGradientLossTests
{
    [Fact]
    public void Loss_is_minus_advantage_times_log_prob_and_gradient_is_minus_advantage()
    {
        using var scope = torch.NewDisposeScope();
        var logp = T(-0.5f, -2).requires_grad_(true);
        var adv = T(2, -1).requires_grad_(true);
        var loss = PolicyGradientLoss.Compute(logp, adv);
        Close([1, -2], loss);
        loss.sum().backward();
        Close([-2, 1], logp.grad!);
        Assert.Null(adv.grad);   // advantages are constants
    }

    [Fact]
    public void Entropy_bonus_is_negative_entropy()
    {
        using var scope = torch.NewDisposeScope();
        Close([-0.5f, -1], EntropyBonus.Compute(T(0.5f, 1)));
    }

    [Fact]
    public void Explained_variance_matches_definition_and_is_nan_for_constant_targets()
    {
        using var scope = torch.NewDisposeScope();
        // y = [1,2,3,4] var 1.25; y - ŷ = [0,0,0,1] var 0.1875 -> 1 - 0.15 = 0.85
        Assert.Equal(0.85, ExplainedVariance.Compute(T(1, 2, 3, 3), T(1, 2, 3, 4)), 6);
        Assert.Equal(1.0, ExplainedVariance.Compute(T(1, 2), T(1, 2)), 9);
        Assert.True(double.IsNaN(ExplainedVariance.Compute(T(1, 2), T(3, 3))));
    }
}
