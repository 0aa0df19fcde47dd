using PolicyGradient.Objectives;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Tests.Objectives;

/// <summary>GSPO, CISPO, GMPO, Clip-Cov and KL-Cov: values and gradients computed by hand.</summary>
public class LanguageObjectiveTests
{
    static Tensor Row(params float[] v) => torch.tensor(v).unsqueeze(0);
    static Tensor Leaf(params float[] v) => torch.tensor(v).unsqueeze(0).requires_grad_(true);
    static float[] Grad(Tensor leaf) => leaf.grad!.data<float>().ToArray();

    static void Near(double[] expected, float[] actual, double tol = 1e-6)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tol, $"[{i}] expected {expected[i]}, got {actual[i]}");
    }

    [Fact]
    public void Gspo_uses_the_length_normalized_sequence_ratio_and_its_gradient()
    {
        using var scope = torch.NewDisposeScope();
        // log r = [0.1, −0.3, (masked 5)] → log s = −0.1, s = 0.9048374; A = 1, ε = 0.2 → not clipped.
        // seq-mean-token-mean loss = −s; ∂/∂log π_t = −A·s/|y| = −0.4524187 on the two valid tokens.
        var logp = Leaf(-1.0f, -2.0f, -1.0f);
        var old = Row(-1.1f, -1.7f, -6.0f);
        var mask = Row(1, 1, 0);
        var (loss, clipped) = GspoObjective.Compute(logp, old, torch.ones(1, 3), mask, 0.2, 0.2);
        var total = LossAggregation.Aggregate(loss, mask, LossAggregationMode.SeqMeanTokenMean);
        Assert.Equal(-0.9048374, total.item<float>(), 5);
        total.backward();
        Near([-0.4524187, -0.4524187, 0], Grad(logp), 1e-6);
        Assert.False(clipped.any().item<bool>());
    }

    [Fact]
    public void Gspo_clipped_sequence_has_no_gradient()
    {
        using var scope = torch.NewDisposeScope();
        // log s = ln 1.5 > ln 1.2 with A > 0: loss = −1.2, gradient 0.
        var logp = Leaf((float)Math.Log(1.5), (float)Math.Log(1.5));
        var (loss, clipped) = GspoObjective.Compute(logp, Row(0, 0), torch.ones(1, 2), torch.ones(1, 2), 0.2, 0.2);
        var total = LossAggregation.Aggregate(loss, torch.ones(1, 2), LossAggregationMode.SeqMeanTokenMean);
        Assert.Equal(-1.2f, total.item<float>(), 5);
        total.backward();
        Near([0, 0], Grad(logp));
        Assert.True(clipped.all().item<bool>());
    }

    [Fact]
    public void Cispo_keeps_the_gradient_of_clipped_tokens_with_the_clipped_weight()
    {
        using var scope = torch.NewDisposeScope();
        // r = 0.5/0.25 = 2 → weight clip(2, 0.8, 1.28) = 1.28; A = 1:
        // loss = −1.28·ln 0.5 = 0.8872284, ∂/∂log π = −1.28 (PPO would give 0 here).
        var logp = Leaf((float)Math.Log(0.5));
        var (loss, clipped) = CispoObjective.Compute(logp, Row((float)Math.Log(0.25)), Row(1), 0.2, 0.28);
        Assert.Equal(0.8872284f, loss.item<float>(), 5);
        loss.sum().backward();
        Near([-1.28], Grad(logp), 1e-6);
        Assert.True(clipped.item<bool>());
    }

    [Fact]
    public void Cispo_without_lower_bound_passes_small_ratios_through()
    {
        using var scope = torch.NewDisposeScope();
        // r = 0.1 (below 1 − ε_low would be clipped by verl's bounds); TRL/paper style keeps 0.1; A = −2.
        var logp = Leaf((float)Math.Log(0.1));
        var (loss, clipped) = CispoObjective.Compute(logp, Row(0), Row(-2), clipLow: null, clipHigh: 4.0);
        loss.sum().backward();
        Near([0.2], Grad(logp), 1e-6);
        Assert.False(clipped.item<bool>());
        var (_, verlClipped) = CispoObjective.Compute(Row((float)Math.Log(0.1)), Row(0), Row(-2), 0.2, 0.28);
        Assert.True(verlClipped.item<bool>());
    }

    [Fact]
    public void Gmpo_geometric_mean_ratio_value_and_gradient()
    {
        using var scope = torch.NewDisposeScope();
        // log r = [0.1, −0.1] → geometric-mean ratio 1; Ā = 1; loss −1; ∂/∂log π_t = −Ā·ratio/2 = −0.5.
        var logp = Leaf(0.1f, -0.1f);
        var (loss, clipped) = GeometricMeanObjective.Compute(logp, Row(0, 0), torch.ones(1, 2), torch.ones(1, 2));
        Assert.Equal(new long[] { 1 }, loss.shape);
        Assert.Equal(-1f, loss.item<float>(), 5);
        loss.mean().backward();
        Near([-0.5, -0.5], Grad(logp), 1e-6);
        Assert.False(clipped.any().item<bool>());
    }

    [Fact]
    public void Gmpo_clips_each_token_in_log_space()
    {
        using var scope = torch.NewDisposeScope();
        // log r = [0.6, 0] with A > 0: token 0 capped at 0.4 → ratio exp(0.2); token 0 has no gradient,
        // token 1 gets −exp(0.2)/2 = −0.6107014.
        var logp = Leaf(0.6f, 0f);
        var (loss, clipped) = GeometricMeanObjective.Compute(logp, Row(0, 0), torch.ones(1, 2), torch.ones(1, 2));
        Assert.Equal(-(float)Math.Exp(0.2), loss.item<float>(), 5);
        loss.mean().backward();
        Near([0, -0.6107014], Grad(logp), 1e-6);
        Assert.Equal(new[] { true, false }, clipped.data<bool>().ToArray());
    }

    [Fact]
    public void ClipCov_detaches_the_high_covariance_tokens()
    {
        using var scope = torch.NewDisposeScope();
        // A = [1, 1, −1, −1], log π = [−1, −3, −1, −3] → Cov = [1, −1, −1, 1]; bounds (0.5, 5), ρ = 0.5 → both
        // candidates (tokens 0 and 3) lose their loss and gradient; old = log π so r = 1 and loss = −A elsewhere.
        var logp = Leaf(-1, -3, -1, -3);
        var adv = Row(1, 1, -1, -1);
        var (loss, detached) = CovarianceClipObjective.ClipCov(logp, Row(-1, -3, -1, -3), adv, torch.ones(1, 4), 0.2, 0.2,
            ratio: 0.5, lowerBound: 0.5, upperBound: 5, generator: new Generator(1));
        Near([0, -1, 1, 0], loss.data<float>().ToArray());
        Assert.Equal(new[] { true, false, false, true }, detached.data<bool>().ToArray());
        loss.sum().backward();
        Near([0, -1, 1, 0], Grad(logp));
    }

    [Fact]
    public void KlCov_penalizes_the_top_covariance_token()
    {
        using var scope = torch.NewDisposeScope();
        // log π = [−1, −3, −1, −2.5], mean −1.875 → Cov = [0.875, −1.125, −0.875, 0.625]; ρ = 0.25 → token 0.
        // token 0: log r = 0.1 → −e^0.1 + |0.1| = −1.0051709, gradient −e^0.1 + 1 = −0.1051709.
        var logp = Leaf(-1, -3, -1, -2.5f);
        var (loss, penalized) = CovarianceClipObjective.KlCov(logp, Row(-1.1f, -3, -1, -2.5f), Row(1, 1, -1, -1), torch.ones(1, 4), ratio: 0.25);
        Near([-1.0051709, -1, 1, 1], loss.data<float>().ToArray(), 1e-5);
        Assert.Equal(new[] { true, false, false, false }, penalized.data<bool>().ToArray());
        loss.sum().backward();
        Near([-0.1051709, -1, 1, 1], Grad(logp), 1e-5);
    }
}
