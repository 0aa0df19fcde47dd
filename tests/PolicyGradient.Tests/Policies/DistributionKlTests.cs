using PolicyGradient.Policies;
using TorchSharp;
using static PolicyGradient.Tests.TensorAssert;
using static TorchSharp.torch;

namespace PolicyGradient.Tests.Policies;

public class DistributionKlTests
{
    [Fact]
    public void Categorical_kl_matches_hand_value_and_is_zero_against_itself()
    {
        using var scope = torch.NewDisposeScope();
        var p = new Categorical(torch.log(T2(new float[,] { { 0.25f, 0.75f } })));
        var q = new Categorical(torch.log(T2(new float[,] { { 0.5f, 0.5f } })));
        Close(0.25 * Math.Log(0.5) + 0.75 * Math.Log(1.5), DistributionKl.Compute(p, q));
        Close(0.0, DistributionKl.Compute(p, p));
    }

    [Fact]
    public void Masked_categorical_kl_is_finite()
    {
        using var scope = torch.NewDisposeScope();
        var mask = torch.tensor(new[,] { { true, false, true } });
        var p = new Categorical(T2(new float[,] { { 0, 5, 0 } }), mask);
        var q = new Categorical(T2(new float[,] { { 0, 0, MathF.Log(3) } }), mask);
        Close(0.5 * Math.Log(0.5 / 0.25) + 0.5 * Math.Log(0.5 / 0.75), DistributionKl.Compute(p, q));
    }

    [Fact]
    public void Gaussian_kl_matches_closed_form_and_its_gradient()
    {
        using var scope = torch.NewDisposeScope();
        var mu = T2(new float[,] { { 1 } }).requires_grad_(true);
        var p = new DiagGaussian(mu, T(0));
        var q = new DiagGaussian(T2(new float[,] { { 0 } }), T(MathF.Log(2)));
        // log 2 + (1 + 1)/(2·4) − ½ = log 2 − 0.25
        var kl = DistributionKl.Compute(p, q);
        Close(Math.Log(2) - 0.25, kl);
        kl.sum().backward();
        Close([0.25f], mu.grad!);   // (μp − μq)/σq²
    }

    [Fact]
    public void Bernoulli_kl_matches_hand_value_and_multicategorical_sums_parts()
    {
        using var scope = torch.NewDisposeScope();
        var p = new Bernoulli(T2(new float[,] { { 0 } }));               // 0.5
        var q = new Bernoulli(T2(new float[,] { { MathF.Log(3) } }));    // 0.75
        Close(0.5 * Math.Log(0.5 / 0.75) + 0.5 * Math.Log(0.5 / 0.25), DistributionKl.Compute(p, q));
        var mp = new MultiCategorical(torch.log(T2(new float[,] { { 0.25f, 0.75f, 0.5f, 0.5f } })), [2, 2]);
        var mq = new MultiCategorical(torch.log(T2(new float[,] { { 0.5f, 0.5f, 0.5f, 0.5f } })), [2, 2]);
        Close(0.25 * Math.Log(0.5) + 0.75 * Math.Log(1.5), DistributionKl.Compute(mp, mq));
        Assert.Throws<ArgumentException>(() => DistributionKl.Compute(p, mq));
    }
}
