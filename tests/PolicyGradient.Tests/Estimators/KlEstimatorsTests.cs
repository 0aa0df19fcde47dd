using PolicyGradient.Estimators;
using TorchSharp;
using static PolicyGradient.Tests.TensorAssert;
using static TorchSharp.torch;

namespace PolicyGradient.Tests.Estimators;

public class KlEstimatorsTests
{
    [Fact]
    public void Hand_computed_values()
    {
        using var scope = torch.NewDisposeScope();
        var logp = T(-1.0f, -2.0f);
        var refp = T(-1.5f, -1.0f);   // log r = -0.5, +1
        Close([0.5f, -1.0f], KlEstimators.K1(logp, refp));
        Close([0.125f, 0.5f], KlEstimators.K2(logp, refp));
        Close([(float)(Math.Exp(-0.5) - 1 + 0.5), (float)(Math.E - 1 - 1)], KlEstimators.K3(logp, refp));
        Close([0.5f, 1.0f], KlEstimators.Abs(logp, refp));
        Close([0.125f, 0.5f], KlEstimators.Compute(KlEstimator.K2, logp, refp));
        Close([(float)(Math.Exp(-0.5) - 0.5), 0.5f], KlEstimators.Compute(KlEstimator.K3, logp, refp, clamp: 0.5));
    }

    [Fact]
    public void K3_gradient_matches_hand_formula()
    {
        using var scope = torch.NewDisposeScope();
        // d k3 / d logp = -r + 1 with r = exp(ref - logp)
        var logp = T(-1.0f, -2.0f, -0.3f).requires_grad_(true);
        var refp = T(-1.5f, -1.0f, -0.3f);
        KlEstimators.K3(logp, refp).sum().backward();
        Close([1 - (float)Math.Exp(-0.5), 1 - (float)Math.E, 0], logp.grad!);
    }

    [Fact]
    public void K3_is_non_negative()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(3);
        var k3 = KlEstimators.K3(torch.randn(1000) * 3, torch.randn(1000) * 3);
        Assert.True(k3.min().item<float>() >= 0);
    }

    [Fact]
    public void K1_and_K3_are_unbiased_for_kl_of_the_sampling_policy_to_the_reference()
    {
        using var scope = torch.NewDisposeScope();
        // π = N(0, 1), π_ref = N(0.5, 1): KL(π ‖ π_ref) = 0.125. Samples from π.
        var gen = new torch.Generator(7);
        var x = torch.randn(200_000, generator: gen, dtype: ScalarType.Float64);
        var logp = -0.5 * x.square();
        var refp = -0.5 * (x - 0.5).square();
        double k1 = KlEstimators.K1(logp, refp).mean().item<double>();
        double k3 = KlEstimators.K3(logp, refp).mean().item<double>();
        double k2 = KlEstimators.K2(logp, refp).mean().item<double>();
        Assert.InRange(k1, 0.125 - 0.005, 0.125 + 0.005);
        Assert.InRange(k3, 0.125 - 0.005, 0.125 + 0.005);
        // k2 is biased: log r = x/2 − 1/8, so E[k2] = ½(¼ + 1/64) = 0.1328125 > 0.125.
        Assert.InRange(k2, 0.1328125 - 0.005, 0.1328125 + 0.005);
    }

    [Fact]
    public void ApproxKl_is_sb3s_statistic()
    {
        using var scope = torch.NewDisposeScope();
        var oldLp = T(-1.0f);
        var newLp = T(-0.5f);   // log r = 0.5
        Close((float)(Math.Exp(0.5) - 1 - 0.5), KlEstimators.ApproxKl(oldLp, newLp));
    }
}
