using PolicyGradient.Estimators;
using TorchSharp;
using static PolicyGradient.Tests.TensorAssert;
using static TorchSharp.torch;

namespace PolicyGradient.Tests.Estimators;

public class KlPenaltyTests
{
    // logπ − logπ_ref = d = [0.5, −1].
    static Tensor LogP() => T(-1.0f, -2.0f).requires_grad_(true);
    static Tensor RefP() => T(-1.5f, -1.0f);
    static readonly float K3a = (float)(Math.Exp(-0.5) - 1 + 0.5), K3b = (float)(Math.E - 1 - 1);

    [Theory]
    // name, values, gradient w.r.t. logπ
    [InlineData("k1", 0.5f, -1.0f, 1f, 1f)]
    [InlineData("kl", 0.5f, -1.0f, 1f, 1f)]
    [InlineData("abs", 0.5f, 1.0f, 1f, -1f)]
    [InlineData("k2", 0.125f, 0.5f, 0.5f, -1f)]
    [InlineData("mse", 0.125f, 0.5f, 0.5f, -1f)]
    [InlineData("k2+", 0.125f, 0.5f, 0.5f, -1f)]
    // k3 = e^{−d} − 1 + d, ∂/∂logπ = 1 − e^{−d}
    [InlineData("k3", 0.10653066f, 0.71828183f, 0.39346934f, -1.71828183f)]
    [InlineData("low_var_kl", 0.10653066f, 0.71828183f, 0.39346934f, -1.71828183f)]
    // "+": the value of the estimator, the gradient of k2 (= d)
    [InlineData("k1+", 0.5f, -1.0f, 0.5f, -1f)]
    [InlineData("abs+", 0.5f, 1.0f, 0.5f, -1f)]
    [InlineData("k3+", 0.10653066f, 0.71828183f, 0.5f, -1f)]
    public void Hand_computed_values_and_gradients(string name, float v0, float v1, float g0, float g1)
    {
        using var scope = torch.NewDisposeScope();
        var logp = LogP();
        var kl = KlPenalty.Compute(KlPenaltyKind.Parse(name), logp, RefP());
        Close([v0, v1], kl);
        kl.sum().backward();
        Close([g0, g1], logp.grad!);
    }

    [Fact]
    public void K3_matches_the_plain_estimator_and_is_clamped_for_far_apart_policies()
    {
        using var scope = torch.NewDisposeScope();
        Close([K3a, K3b], KlPenalty.StableK3(T(-1.0f, -2.0f), RefP()));
        // log r = 30 → clamped to 20 → e^20 − 21 → clamped to 10; log r = −30 → e^−20 + 19 → 10.
        Close([10f, 10f], KlPenalty.StableK3(T(-30f, 0f), T(0f, -30f)));
    }

    [Fact]
    public void Names_parse_case_insensitively_and_unknown_names_list_the_known_ones()
    {
        Assert.Equal(new KlPenaltyKind(KlEstimator.K3, true), KlPenaltyKind.Parse(" K3+ "));
        Assert.Equal(new KlPenaltyKind(KlEstimator.K2), KlPenaltyKind.Parse("k2+"));
        Assert.Equal("abs+", KlPenaltyKind.Parse("abs+").ToString());
        var e = Assert.Throws<ArgumentException>(() => KlPenaltyKind.Parse("k4"));
        Assert.Contains("k3", e.Message);
        Assert.Contains("'k4'", e.Message);
    }

    [Theory]
    [InlineData(0.15, 0.1 * (1 + 0.2 * 64 / 10000.0))]     // error 0.5 clipped to +0.2
    [InlineData(0.09, 0.1 * (1 - 0.1 * 64 / 10000.0))]     // error −0.1
    [InlineData(0.0, 0.1 * (1 - 0.2 * 64 / 10000.0))]      // error −1 clipped to −0.2
    [InlineData(0.1, 0.1)]                                 // on target: unchanged
    public void Adaptive_coefficient_is_Ziegler_s_proportional_controller(double kl, double expected)
    {
        Assert.Equal(expected, AdaptiveKlCoefficient.Update(0.1, kl, targetKl: 0.1, horizon: 10000, samples: 64), 12);
    }

    [Fact]
    public void Adaptive_coefficient_ignores_a_non_finite_measurement_and_rejects_bad_settings()
    {
        Assert.Equal(0.1, AdaptiveKlCoefficient.Update(0.1, double.NaN, 0.1, 10000, 64));
        Assert.Throws<ArgumentOutOfRangeException>(() => AdaptiveKlCoefficient.Update(0.1, 0.1, 0, 10000, 64));
        Assert.Throws<ArgumentOutOfRangeException>(() => AdaptiveKlCoefficient.Update(0.1, 0.1, 0.1, 0, 64));
    }
}
