using PolicyGradient.VarianceReduction;
using TorchSharp;

namespace PolicyGradient.Tests.VarianceReduction;

/// <summary>The IS-MBPG / STORM recursion on hand values.</summary>
[Collection("TorchGlobalState")]
public class StormRecursionTests
{
    static double[] Values(torch.Tensor t) => t.data<double>().ToArray();

    [Fact]
    public void The_direction_corrects_the_previous_one_by_the_weighted_old_gradient()
    {
        using var scope = torch.NewDisposeScope();
        // u = g + (1 − β)(u_prev − w g_old) = (0.5, −1) + 0.8·((1, 2) − 1.25·(0.4, 0.2)) = (0.9, 0.4).
        var u = StormRecursion.Direction(torch.tensor(new[] { 1.0, 2.0 }), torch.tensor(new[] { 0.5, -1.0 }), torch.tensor(new[] { 0.4, 0.2 }), weight: 1.25, beta: 0.2);
        var v = Values(u);
        Assert.Equal(0.9, v[0], 12);
        Assert.Equal(0.4, v[1], 12);
    }

    [Fact]
    public void Beta_one_is_the_plain_gradient_and_an_unmoved_policy_gives_the_exponential_average()
    {
        using var scope = torch.NewDisposeScope();
        var previous = torch.tensor(new[] { 3.0, -2.0 });
        var g = torch.tensor(new[] { 1.0, 1.0 });
        Assert.Equal([1.0, 1.0], Values(StormRecursion.Direction(previous, g, torch.tensor(new[] { 7.0, 9.0 }), weight: 2, beta: 1)));
        // θ_t = θ_(t−1): w = 1 and g_old = g, so u = β g + (1 − β) u_prev = 0.25·(1, 1) + 0.75·(3, −2).
        var average = Values(StormRecursion.Direction(previous, g, g, weight: 1, beta: 0.25));
        Assert.Equal(2.5, average[0], 12);
        Assert.Equal(-1.25, average[1], 12);
    }

    [Fact]
    public void The_trajectory_weight_is_the_product_of_the_step_ratios()
    {
        // Steps with π_old/π_new = 0.5/0.25, 0.2/0.4, 0.9/0.3: w = 2 · 0.5 · 3 = 3.
        double w = StormRecursion.TrajectoryWeight([Math.Log(0.5), Math.Log(0.2), Math.Log(0.9)], [Math.Log(0.25), Math.Log(0.4), Math.Log(0.3)]);
        Assert.Equal(3, w, 12);
        Assert.Equal(1, StormRecursion.TrajectoryWeight([], []), 12);
    }

    [Fact]
    public void Bad_settings_name_the_problem()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.zeros(2);
        Assert.Contains("(0, 1]", Assert.Throws<ArgumentException>(() => StormRecursion.Direction(x, x, x, 1, 0)).Message);
        Assert.Contains(">= 0", Assert.Throws<ArgumentException>(() => StormRecursion.Direction(x, x, x, double.NaN, 0.5)).Message);
        Assert.Contains("one shape", Assert.Throws<ArgumentException>(() => StormRecursion.Direction(x, torch.zeros(3), x, 1, 0.5)).Message);
    }
}
