using PolicyGradient.Estimators;
using TorchSharp;
using static PolicyGradient.Tests.TensorAssert;
using static TorchSharp.torch;

namespace PolicyGradient.Tests.Estimators;

public class GeneralizedAdvantageEstimationTests
{
    [Fact]
    public void Lambda_one_equals_discounted_returns_minus_values()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(1);
        int t = 7, n = 3;
        var rewards = torch.randn(t, n);
        var values = torch.randn(t, n);
        var bootstrap = torch.randn(n);
        var dones = torch.zeros(t, n);
        dones[2, 0] = 1; dones[5, 1] = 1; dones[6, 2] = 1;
        // next values: V(s_{t+1}) within the episode; after a termination it is masked anyway.
        var nextValues = torch.cat([values[1..], bootstrap.unsqueeze(0)], 0);
        var (adv, ret) = GeneralizedAdvantageEstimation.Compute(rewards, values, nextValues, dones, dones, 0.9, 1.0);
        var mc = DiscountedReturns.Compute(rewards, dones, 0.9, bootstrap);
        Close(Values(mc - values), adv, 1e-5);
        Close(Values(mc), ret, 1e-5);
    }

    [Fact]
    public void Lambda_zero_is_the_one_step_td_error()
    {
        using var scope = torch.NewDisposeScope();
        var r = T2(new float[,] { { 1 }, { 2 } });
        var v = T2(new float[,] { { 0.5f }, { 0.25f } });
        var nv = T2(new float[,] { { 0.25f }, { 4 } });
        var zero = torch.zeros(2, 1);
        var (adv, _) = GeneralizedAdvantageEstimation.Compute(r, v, nv, zero, zero, 0.5, 0.0);
        Close([1 + 0.5f * 0.25f - 0.5f, 2 + 0.5f * 4 - 0.25f], adv);
    }

    [Fact]
    public void Truncation_in_the_middle_bootstraps_from_the_final_observation_and_cuts_the_trace()
    {
        using var scope = torch.NewDisposeScope();
        // One env, 4 steps: episode 1 is steps 0-1, truncated at step 1 (V(final obs) = 10);
        // episode 2 is steps 2-3, terminated at step 3. γ = 0.5, λ = 0.5.
        var r = T(1, 1, 1, 1).reshape(4, 1);
        var v = T(2, 3, 4, 5).reshape(4, 1);
        var nv = T(3, 10, 5, 99).reshape(4, 1);   // 99 is masked by the termination
        var term = T(0, 0, 0, 1).reshape(4, 1);
        var done = T(0, 1, 0, 1).reshape(4, 1);
        var (adv, ret) = GeneralizedAdvantageEstimation.Compute(r, v, nv, term, done, 0.5, 0.5);
        // Hand computation:
        // δ3 = 1 + 0 - 5 = -4;            A3 = -4
        // δ2 = 1 + 0.5*5 - 4 = -0.5;      A2 = -0.5 + 0.25*(-4) = -1.5
        // δ1 = 1 + 0.5*10 - 3 = 3;        A1 = 3 (done cuts the trace)
        // δ0 = 1 + 0.5*3 - 2 = 0.5;       A0 = 0.5 + 0.25*3 = 1.25
        Close([1.25f, 3, -1.5f, -4], adv);
        Close([3.25f, 6, 2.5f, 1], ret);
    }

    [Fact]
    public void Envs_are_independent_columns()
    {
        using var scope = torch.NewDisposeScope();
        var r = T2(new float[,] { { 1, 0 }, { 0, 1 } });
        var v = torch.zeros(2, 2);
        var nv = torch.zeros(2, 2);
        var z = torch.zeros(2, 2);
        var (adv, _) = GeneralizedAdvantageEstimation.Compute(r, v, nv, z, z, 0.5, 1.0);
        Close([1, 0.5f, 0, 1], adv);
    }

    [Fact]
    public void Mismatched_shapes_are_rejected()
    {
        using var scope = torch.NewDisposeScope();
        var a = torch.zeros(3, 2);
        var b = torch.zeros(2, 2);
        Assert.Throws<ArgumentException>(() => GeneralizedAdvantageEstimation.Compute(a, b, a, a, a, 0.99, 0.95));
    }
}
