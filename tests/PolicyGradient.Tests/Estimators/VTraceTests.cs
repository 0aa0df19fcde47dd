using PolicyGradient.Estimators;
using TorchSharp;
using static PolicyGradient.Tests.TensorAssert;
using static TorchSharp.torch;

namespace PolicyGradient.Tests.Estimators;

/// <summary>V-trace (Espeholt et al. 2018) on hand-computed values, and its on-policy limit (GAE).</summary>
public class VTraceTests
{
    [Fact]
    public void Two_steps_with_truncated_weights_match_the_hand_computation()
    {
        using var scope = torch.NewDisposeScope();
        // π/μ = 2 at step 0 (ρ0 = c0 = 1 after truncation at 1), 0.5 at step 1 (ρ1 = c1 = 0.5); γ = 0.9.
        var r = T2(new float[,] { { 1 }, { 2 } });
        var v = T2(new float[,] { { 0.5f }, { 1 } });
        var nv = T2(new float[,] { { 1 }, { 3 } });
        var zero = torch.zeros(2, 1);
        var mu = torch.zeros(2, 1);
        var pi = T2(new float[,] { { MathF.Log(2) }, { MathF.Log(0.5f) } });
        var (targets, adv) = VTrace.Compute(r, v, nv, zero, zero, mu, pi, 0.9);
        // δ1 = 0.5 (2 + 0.9·3 − 1) = 1.85; v1 = 1 + 1.85 = 2.85; A1 = 0.5 (2 + 0.9·3 − 1) = 1.85 (last row bootstraps from V'_1).
        // δ0 = 1 (1 + 0.9·1 − 0.5) = 1.4; v0 = 0.5 + 1.4 + 0.9·1·1.85 = 3.565; A0 = 1 (1 + 0.9·2.85 − 0.5) = 3.065.
        Close([3.565f, 2.85f], targets);
        Close([3.065f, 1.85f], adv);
    }

    [Fact]
    public void Terminations_stop_the_bootstrap_and_truncations_bootstrap_from_the_final_value()
    {
        using var scope = torch.NewDisposeScope();
        // Three steps of one env: step 0 truncated (final obs value 4), step 1 terminated, step 2 goes on (V' = 10). On-policy.
        var r = T2(new float[,] { { 1 }, { 1 }, { 1 } });
        var v = T2(new float[,] { { 2 }, { 3 }, { 5 } });
        var nv = T2(new float[,] { { 4 }, { 7 }, { 10 } });
        var term = T2(new float[,] { { 0 }, { 1 }, { 0 } });
        var done = T2(new float[,] { { 1 }, { 1 }, { 0 } });
        var logp = torch.zeros(3, 1);
        var (targets, adv) = VTrace.Compute(r, v, nv, term, done, logp, logp, 0.5);
        // v2 = 1 + 0.5·10 = 6; v1 = 1 (terminated: no bootstrap); v0 = 1 + 0.5·4 = 3 (the final observation's value, not v1).
        Close([3, 1, 6], targets);
        Close([3 - 2, 1 - 3, 6 - 5], adv);
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(0.95)]
    public void On_policy_targets_are_the_gae_lambda_returns(double lambda)
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(3);
        int t = 9, n = 4;
        var rewards = torch.randn(t, n);
        var values = torch.randn(t, n);
        var bootstrap = torch.randn(n);
        var nextValues = torch.cat([values[1..], bootstrap.unsqueeze(0)], 0);
        var dones = torch.zeros(t, n);
        dones[3, 0] = 1; dones[6, 2] = 1; dones[8, 3] = 1;
        var terminated = dones.clone();
        terminated[6, 2] = 0;   // a truncation: bootstraps from the next value
        var logp = torch.randn(t, n);
        var (targets, adv) = VTrace.Compute(rewards, values, nextValues, terminated, dones, logp, logp, 0.97, lambda: lambda);
        var (gaeAdv, gaeReturns) = GeneralizedAdvantageEstimation.Compute(rewards, values, nextValues, terminated, dones, 0.97, lambda);
        Close(Values(gaeReturns), targets, 1e-5);
        if (lambda == 1.0) Close(Values(gaeAdv), adv, 1e-5);   // with λ = 1, r + γ v' − V is the GAE advantage too
    }

    [Fact]
    public void Bad_truncation_levels_are_refused_by_name()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.zeros(2, 1);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => VTrace.Compute(x, x, x, x, x, x, x, 0.9, rhoBar: 0));
        Assert.Contains("rho_bar", e.Message);
        Assert.Throws<ArgumentException>(() => VTrace.Compute(x, torch.zeros(3, 1), x, x, x, x, x, 0.9));
    }
}
