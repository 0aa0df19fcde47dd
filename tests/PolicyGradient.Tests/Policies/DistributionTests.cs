using PolicyGradient.Policies;
using TorchSharp;
using static PolicyGradient.Tests.TensorAssert;
using static TorchSharp.torch;

namespace PolicyGradient.Tests.Policies;

public class DistributionTests
{
    const double HalfLog2Pi = 0.91893853320467274178;

    [Fact]
    public void Categorical_log_prob_entropy_and_gradient_match_hand_values()
    {
        using var scope = torch.NewDisposeScope();
        // logits [0, ln 3] -> p = [0.25, 0.75]
        var logits = T2(new float[,] { { 0, MathF.Log(3) } }).requires_grad_(true);
        var d = new Categorical(logits);
        Close([MathF.Log(0.75f)], d.LogProb(T(1)));
        Close([MathF.Log(0.25f)], d.LogProb(torch.tensor(new long[] { 0 })));      // int64 accepted
        Close([MathF.Log(0.75f)], d.LogProb(T2(new float[,] { { 1 } })));          // [B, 1] accepted
        double h = -(0.25 * Math.Log(0.25) + 0.75 * Math.Log(0.75));
        Close(h, d.Entropy());
        d.LogProb(T(1)).sum().backward();
        Close([-0.25f, 0.25f], logits.grad!);   // onehot(a) − p
        Close([1], d.Mode());
    }

    [Fact]
    public void Masked_categorical_has_finite_entropy_and_gradients_and_never_samples_masked_actions()
    {
        using var scope = torch.NewDisposeScope();
        var logits = T2(new float[,] { { 1, 2, 3 }, { 0, 0, 0 } }).requires_grad_(true);
        var mask = torch.tensor(new[,] { { true, false, true }, { false, false, true } });
        var d = new Categorical(logits, mask);
        var h = d.Entropy();
        double p0 = 1 / (1 + Math.Exp(2));   // softmax over {1, 3}
        Close([(float)-(p0 * Math.Log(p0) + (1 - p0) * Math.Log(1 - p0)), 0], h);
        h.sum().backward();
        Assert.All(Values(logits.grad!), g => Assert.True(float.IsFinite(g)));
        Assert.Equal(0f, Values(logits.grad!)[1]);   // masked logit gets no gradient
        Assert.True(float.IsNegativeInfinity(Values(d.LogProb(T(1, 0)))[0]));
        var gen = new torch.Generator(1);
        var many = new Categorical(logits.detach()[0].expand(500, 3), mask[0].expand(500, 3)).Sample(gen);
        Assert.DoesNotContain(1f, Values(many));
    }

    [Fact]
    public void Categorical_sampling_is_reproducible_and_matches_probabilities()
    {
        using var scope = torch.NewDisposeScope();
        var logits = torch.log(T(0.2f, 0.8f)).expand(20000, 2);
        var a = new Categorical(logits).Sample(new torch.Generator(42));
        var b = new Categorical(logits).Sample(new torch.Generator(42));
        Assert.Equal(Values(a), Values(b));
        Assert.Equal(ScalarType.Float32, a.dtype);
        Assert.InRange(a.mean().item<float>(), 0.78f, 0.82f);
    }

    [Fact]
    public void Categorical_over_token_logits_keeps_the_sequence_dimension()
    {
        using var scope = torch.NewDisposeScope();
        var d = new Categorical(torch.zeros(2, 3, 5));
        Assert.Equal(new long[] { 2, 3 }, d.LogProb(torch.zeros(2, 3)).shape);
        Assert.Equal(new long[] { 2, 3 }, d.Sample().shape);
        Close(Enumerable.Repeat(MathF.Log(5), 6).ToArray(), d.Entropy());
    }

    [Fact]
    public void MultiCategorical_sums_over_dimensions()
    {
        using var scope = torch.NewDisposeScope();
        var logits = T2(new float[,] { { 0, MathF.Log(3), 0, 0, 0 } });
        var d = new MultiCategorical(logits, [2, 3]);
        Close([MathF.Log(0.25f) + MathF.Log(1f / 3)], d.LogProb(T2(new float[,] { { 0, 2 } })));
        Close(-(0.25 * Math.Log(0.25) + 0.75 * Math.Log(0.75)) + Math.Log(3), d.Entropy());
        Assert.Equal(new long[] { 1, 2 }, d.Sample().shape);
        Close([1, 0], d.Mode());
        Assert.Throws<ArgumentException>(() => new MultiCategorical(logits, [2, 2]));
    }

    [Fact]
    public void DiagGaussian_log_prob_entropy_and_gradients_match_formulas()
    {
        using var scope = torch.NewDisposeScope();
        var mean = T2(new float[,] { { 0, 1 } }).requires_grad_(true);
        var logStd = T(0, MathF.Log(2)).requires_grad_(true);
        var d = new DiagGaussian(mean, logStd);
        var a = T2(new float[,] { { 1, 3 } });
        // dim 0: -0.5 - 0 - c ; dim 1: z = 1 -> -0.5 - ln 2 - c
        Close(-1 - Math.Log(2) - 2 * HalfLog2Pi, d.LogProb(a));
        Close(2 * (0.5 + HalfLog2Pi) + Math.Log(2), d.Entropy());
        d.LogProb(a).sum().backward();
        Close([1, 0.5f], mean.grad!);                 // (a − μ)/σ²
        Close([0, 0], logStd.grad!);                  // z² − 1 = 0 for both
        Close([0, 1], d.Mode());
    }

    [Fact]
    public void DiagGaussian_samples_have_the_right_moments_and_are_not_clipped()
    {
        using var scope = torch.NewDisposeScope();
        var d = new DiagGaussian(torch.full(50000, 1, 3.0f), T(MathF.Log(2)));
        var s = d.Sample(new torch.Generator(3));
        Assert.InRange(s.mean().item<float>(), 2.95f, 3.05f);
        Assert.InRange(s.std().item<float>(), 1.95f, 2.05f);
        Assert.True(s.max().item<float>() > 8);   // no clipping to any box
    }

    [Fact]
    public void SquashedGaussian_log_prob_matches_change_of_variables_numerically()
    {
        using var scope = torch.NewDisposeScope();
        // Density of a = tanh(u), u ~ N(0.3, 0.8²), from the CDF: p(a) ≈ [F(atanh(a+h)) − F(atanh(a−h))] / 2h.
        double mu = 0.3, sigma = 0.8, hstep = 1e-4;
        var d = new SquashedGaussian(torch.tensor(new[,] { { mu } }, dtype: ScalarType.Float64), torch.tensor(new[] { Math.Log(sigma) }, dtype: ScalarType.Float64));
        foreach (double a in new[] { -0.9, -0.2, 0.0, 0.5, 0.95 })
        {
            double F(double x) => 0.5 * (1 + torch.special.erf(torch.tensor((Math.Atanh(x) - mu) / (sigma * Math.Sqrt(2)), dtype: ScalarType.Float64)).item<double>());
            double numeric = (F(a + hstep) - F(a - hstep)) / (2 * hstep);
            double lp = d.LogProb(torch.tensor(new[,] { { a } }, dtype: ScalarType.Float64)).item<double>();
            Assert.Equal(Math.Log(numeric), lp, 5);
        }
    }

    [Fact]
    public void SquashedGaussian_log_det_is_stable_where_the_naive_formula_fails()
    {
        using var scope = torch.NewDisposeScope();
        var u = T2(new float[,] { { 20 }, { -20 }, { 0.5f } });
        var stable = SquashedGaussian.LogAbsDetJacobian(u);
        var naive = (1 - u.tanh().square()).log().sum(-1);
        Assert.True(float.IsNegativeInfinity(Values(naive)[0]));   // tanh(20) rounds to 1 in float32
        // log(1 − tanh² u) = log sech² u = 2(log 2 − |u| − log(1 + e^{−2|u|})) ≈ 2(log 2 − 20)
        Close([2 * (MathF.Log(2) - 20), 2 * (MathF.Log(2) - 20), (float)Math.Log(1 - Math.Pow(Math.Tanh(0.5), 2))], stable, 1e-5);
    }

    [Fact]
    public void SquashedGaussian_reparameterized_sample_log_prob_agrees_with_log_prob_of_the_action()
    {
        using var scope = torch.NewDisposeScope();
        var mean = torch.zeros(1000, 2, dtype: ScalarType.Float64);
        var d = new SquashedGaussian(mean, torch.tensor(new[] { -0.5, 0.0 }, dtype: ScalarType.Float64));
        var (a, lp) = d.RSampleWithLogProb(new torch.Generator(9));
        Assert.True(a.abs().max().item<double>() < 1);
        var keep = a.abs().max(-1).values < 0.999;   // away from the clamp
        Close(Values(lp.masked_select(keep)), d.LogProb(a).masked_select(keep), 1e-6);
        Assert.Equal(new long[] { 1000 }, d.Entropy().shape);
        Close([0, 0], d.Mode()[0]);
    }

    [Fact]
    public void Bernoulli_log_prob_entropy_and_gradient_match_formulas()
    {
        using var scope = torch.NewDisposeScope();
        var logits = T2(new float[,] { { 0, MathF.Log(3) } }).requires_grad_(true);   // p = 0.5, 0.75
        var d = new Bernoulli(logits);
        var a = T2(new float[,] { { 1, 0 } });
        Close(Math.Log(0.5) + Math.Log(0.25), d.LogProb(a));
        Close(Math.Log(2) - (0.25 * Math.Log(0.25) + 0.75 * Math.Log(0.75)), d.Entropy());
        d.LogProb(a).sum().backward();
        Close([0.5f, -0.75f], logits.grad!);   // a − σ(l)
        Close([0, 1], d.Mode());
        var s = new Bernoulli(torch.full(20000, 1, MathF.Log(3))).Sample(new torch.Generator(4));
        Assert.InRange(s.mean().item<float>(), 0.73f, 0.77f);
    }
}
