using PolicyGradient.Diagnostics;

namespace PolicyGradient.Tests.Diagnostics;

/// <summary>The streaming accumulators agree with the array statistics.</summary>
public class StreamingGradientStatisticsTests
{
    [Fact]
    public void Streaming_figures_equal_the_array_figures()
    {
        var random = new Random(3);
        var estimates = Enumerable.Range(0, 7).Select(_ => Enumerable.Range(0, 5).Select(_ => random.NextDouble() * 4 - 2).ToArray()).ToList();
        estimates.ForEach(e => e[4] = 0.25);   // a parameter without variance stays out of the GSNR
        double[] reference = [0.5, -0.5, 1, 0, 0.25];
        var streaming = new StreamingGradientStatistics(5, reference);
        foreach (var e in estimates) streaming.Add(e);
        Assert.Equal(7, streaming.Count);
        Assert.Equal(GradientStatistics.TotalVariance(estimates), streaming.TotalVariance(), 10);
        Assert.Equal(GradientStatistics.SignalToNoise(estimates), streaming.SignalToNoise(), 8);
        Assert.Equal(GradientStatistics.MeanSquaredError(estimates, reference), streaming.MeanSquaredError(), 10);
        Assert.Equal(GradientStatistics.Cosine(GradientStatistics.Mean(estimates), reference), streaming.CosineToReference(), 10);
    }

    [Fact]
    public void Hand_values_of_two_estimates()
    {
        // (1, 0) and (3, 2): means (2, 1), variances 2 and 2, tr Σ = 4; to g* = (0, 0): MSE (1 + 13)/2 = 7.
        var s = new StreamingGradientStatistics(2, [0, 0]);
        s.Add([1, 0]);
        s.Add([3, 2]);
        Assert.Equal(4, s.TotalVariance(), 12);
        Assert.Equal(7, s.MeanSquaredError(), 12);
        Assert.Equal((4.0 / 2 + 1.0 / 2) / 2, s.SignalToNoise(), 12);
        Assert.Throws<ArgumentException>(() => s.Add([1]));
        Assert.Throws<InvalidOperationException>(() => new StreamingGradientStatistics(1).TotalVariance());
    }
}
