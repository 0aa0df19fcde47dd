using PolicyGradient.Algorithms.OnPolicy;
using PolicyGradient.Objectives;
using PolicyGradient.Policies;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Tests.Objectives;

public class NaturalGradientTests
{
    [Fact]
    public void Conjugate_gradient_solves_a_known_spd_system()
    {
        // A = [[4,1,0],[1,3,1],[0,1,2]], x* = [1, −2, 3] → b = A x* = [2, −2, 4].
        var a = torch.tensor(new float[] { 4, 1, 0, 1, 3, 1, 0, 1, 2 }, [3, 3]);
        var b = torch.tensor(new float[] { 2, -2, 4 });
        var x = NaturalGradient.ConjugateGradient(v => a.matmul(v), b, maxSteps: 3).data<float>().ToArray();
        Assert.Equal(1, x[0], 4); Assert.Equal(-2, x[1], 4); Assert.Equal(3, x[2], 4);
    }

    [Fact]
    public void Fisher_vector_product_matches_the_explicit_fisher_of_a_tiny_categorical_policy()
    {
        // Linear policy: logits_s = W s, W ∈ R^{3×2} (θ = W row-major), 4 states.
        // Fisher F = mean_s J_sᵀ (diag(p_s) − p_s p_sᵀ) J_s with J_s = ∂logits/∂θ = I₃ ⊗ sᵀ.
        var theta = torch.tensor(new float[] { 0.2f, -0.1f, 0.5f, 0.3f, -0.4f, 0.1f }, requires_grad: true);
        var states = torch.tensor(new float[] { 1, 0, 0, 1, 1, 1, -1, 2 }, [4, 2]);
        Tensor Logits(Tensor p) => states.matmul(p.view(3, 2).t());
        var old = new Categorical(Logits(theta).detach());
        var current = new Categorical(Logits(theta));
        var meanKl = AnalyticKl.Compute(old, current).mean();
        var fvp = NaturalGradient.FisherVectorProduct(meanKl, theta, damping: 0.0);

        var f = new double[6, 6];
        var probs = old.Probs.data<float>().ToArray();
        var s = states.data<float>().ToArray();
        for (int k = 0; k < 4; k++)
            for (int i = 0; i < 6; i++)
                for (int j = 0; j < 6; j++)
                {
                    int ai = i / 2, di = i % 2, aj = j / 2, dj = j % 2;
                    double pi = probs[k * 3 + ai], pj = probs[k * 3 + aj];
                    double m = (ai == aj ? pi : 0) - pi * pj;
                    f[i, j] += m * s[k * 2 + di] * s[k * 2 + dj] / 4.0;
                }
        float[] v = [1f, -0.5f, 0.25f, 2f, -1f, 0.75f];
        var got = fvp(torch.tensor(v)).data<float>().ToArray();
        for (int i = 0; i < 6; i++)
        {
            double expected = 0;
            for (int j = 0; j < 6; j++) expected += f[i, j] * v[j];
            Assert.Equal(expected, got[i], 5);
        }
        // Damping adds λv.
        var damped = NaturalGradient.FisherVectorProduct(AnalyticKl.Compute(old, new Categorical(Logits(theta))).mean(), theta, 0.1)(torch.tensor(v)).data<float>().ToArray();
        for (int i = 0; i < 6; i++) Assert.Equal(got[i] + 0.1 * v[i], damped[i], 5);
    }

    [Fact]
    public void Line_search_accepts_the_first_fraction_inside_the_bound_that_improves()
    {
        // KL grows with c² (0.04·c²·25), the objective improves for every c > 0.
        var tried = new List<double>();
        var (ok, fraction, evaluations) = NaturalGradient.BacktrackingLineSearch(c => { tried.Add(c); return (c, c * c); }, 0.0, 0.5, 0.5, 10);
        Assert.True(ok);
        Assert.Equal(0.5, fraction, 12); // c = 1 has KL 1 ≥ 0.5; c = 0.5 has KL 0.25
        Assert.Equal(2, evaluations);
        Assert.Equal([1.0, 0.5], tried);
        var (ok2, f2, n2) = NaturalGradient.BacktrackingLineSearch(c => (-c, 0), 0.0, 0.5, 0.5, 4);
        Assert.False(ok2); Assert.Equal(0, f2); Assert.Equal(4, n2);
    }
}
