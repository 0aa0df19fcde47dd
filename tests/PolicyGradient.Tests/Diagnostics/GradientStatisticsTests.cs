using PolicyGradient.Diagnostics;

namespace PolicyGradient.Tests.Diagnostics;

/// <summary>The statistics of K gradient estimates on hand-computed values.</summary>
public class GradientStatisticsTests
{
    // Three estimates of a 2-parameter gradient: parameter 0 takes 1, 2, 3 (mean 2, variance 1); parameter 1 takes 4, 4, 4 (variance 0).
    static readonly double[][] Estimates = [[1, 4], [2, 4], [3, 4]];

    [Fact]
    public void Mean_and_unbiased_variance_per_parameter()
    {
        Assert.Equal(new[] { 2.0, 4.0 }, GradientStatistics.Mean(Estimates));
        Assert.Equal(new[] { 1.0, 0.0 }, GradientStatistics.Variance(Estimates));
        Assert.Equal(1.0, GradientStatistics.TotalVariance(Estimates));
    }

    [Fact]
    public void Signal_to_noise_averages_mean_squared_over_variance_where_the_variance_is_positive()
    {
        // Only parameter 0 counts: 2² / 1 = 4.
        Assert.Equal(4.0, GradientStatistics.SignalToNoise(Estimates));
        Assert.True(double.IsNaN(GradientStatistics.SignalToNoise([[1.0], [1.0]])));
    }

    [Fact]
    public void Cosine_and_mean_squared_error_to_a_reference()
    {
        Assert.Equal(1.0, GradientStatistics.Cosine([2, 4], [1, 2]), 12);
        Assert.Equal(0.0, GradientStatistics.Cosine([1, 0], [0, 3]), 12);
        Assert.Equal(-1.0, GradientStatistics.Cosine([1, 1], [-2, -2]), 12);
        // Reference (2, 3): squared errors 1+1, 0+1, 1+1 → mean 5/3 = bias² ‖(0, 1)‖² = 1 plus (K−1)/K·tr Σ = 2/3.
        Assert.Equal(5.0 / 3.0, GradientStatistics.MeanSquaredError(Estimates, [2, 3]), 12);
    }

    [Fact]
    public void The_bootstrap_interval_contains_the_estimate_and_is_seeded()
    {
        var random = new Random(3);
        var many = Enumerable.Range(0, 40).Select(_ => new[] { random.NextDouble() * 4, random.NextDouble() }).ToList();
        double total = GradientStatistics.TotalVariance(many);
        var (low, high) = GradientStatistics.TotalVarianceInterval(many, seed: 1);
        Assert.True(low < total && total < high, $"{low} < {total} < {high}");
        Assert.Equal((low, high), GradientStatistics.TotalVarianceInterval(many, seed: 1));
    }

    [Fact]
    public void Too_few_estimates_or_mismatched_lengths_are_refused()
    {
        Assert.Throws<ArgumentException>(() => GradientStatistics.Variance([[1.0]]));
        Assert.Throws<ArgumentException>(() => GradientStatistics.Mean([[1.0], [1.0, 2.0]]));
    }
}
