using PolicyGradient.Diagnostics;

namespace PolicyGradient.Tests.Diagnostics;

/// <summary>Bootstrap intervals from the Gram matrix: hand values, agreement with the array statistics, coverage and shrinkage.</summary>
public class BatchBootstrapTests
{
    [Fact]
    public void Hand_values_of_two_estimates()
    {
        // ĝ_1 = (1, 0), ĝ_2 = (3, 2): G = [[1, 3], [3, 13]]. Both drawn once: mean (2, 1), tr Σ = 2 + 2 = 4; to g* = (1, 1)
        // the cosine is 3 / (√5 √2). Batch 1 drawn twice: tr Σ = 0 and the mean (1, 0) has cosine 1/√2.
        var gram = BatchBootstrap.Gram([[1, 0], [3, 2]]);
        Assert.Equal(13, gram[1, 1]);
        Assert.Equal(3, gram[0, 1]);
        double[] dots = [1, 5];
        Assert.Equal(4, BatchBootstrap.TotalVariance(gram, [1, 1]), 12);
        Assert.Equal(0, BatchBootstrap.TotalVariance(gram, [2, 0]), 12);
        Assert.Equal(3 / Math.Sqrt(10), BatchBootstrap.Cosine(gram, dots, Math.Sqrt(2), [1, 1]), 12);
        Assert.Equal(1 / Math.Sqrt(2), BatchBootstrap.Cosine(gram, dots, Math.Sqrt(2), [2, 0]), 12);
        Assert.Throws<ArgumentException>(() => BatchBootstrap.TotalVariance(gram, [1, 0]));
        Assert.Throws<ArgumentException>(() => BatchBootstrap.TotalVariance(gram, [1, 1, 1]));
    }

    [Fact]
    public void A_resample_gives_what_the_array_statistics_give_on_the_drawn_list()
    {
        var random = new Random(5);
        var estimates = Enumerable.Range(0, 6).Select(_ => Enumerable.Range(0, 9).Select(_ => random.NextDouble() * 2 - 1).ToArray()).ToList();
        var reference = Enumerable.Range(0, 9).Select(k => 0.1 * k - 0.3).ToArray();
        int[] counts = [0, 3, 1, 0, 2, 0];
        var drawn = counts.SelectMany((c, i) => Enumerable.Repeat(estimates[i], c)).ToList();
        var gram = BatchBootstrap.Gram(estimates);
        var dots = estimates.Select(g => BatchBootstrap.Dot(g, reference)).ToArray();
        Assert.Equal(GradientStatistics.TotalVariance(drawn), BatchBootstrap.TotalVariance(gram, counts), 12);
        Assert.Equal(GradientStatistics.Cosine(GradientStatistics.Mean(drawn), reference),
            BatchBootstrap.Cosine(gram, dots, Math.Sqrt(BatchBootstrap.Dot(reference, reference)), counts), 12);
    }

    [Fact]
    public void The_total_variance_interval_is_that_of_the_array_bootstrap_with_the_same_seed()
    {
        var random = new Random(8);
        var estimates = Enumerable.Range(0, 12).Select(_ => Enumerable.Range(0, 20).Select(_ => random.NextDouble() * 3).ToArray()).ToList();
        var (low, high) = GradientStatistics.TotalVarianceInterval(estimates, resamples: 300, seed: 4);
        var intervals = BatchBootstrap.Intervals(BatchBootstrap.Gram(estimates), null, 0, resamples: 300, seed: 4);
        Assert.Equal(low, intervals.TotalVariance.Low, 9);
        Assert.Equal(high, intervals.TotalVariance.High, 9);
        Assert.True(double.IsNaN(intervals.Cosine.Low) && double.IsNaN(intervals.Cosine.High), "no reference: no cosine interval");
    }

    [Fact]
    public void Intervals_cover_the_known_values_on_most_synthetic_data_sets_and_shrink_with_the_batch_count()
    {
        // ĝ_i = μ + ε_i, ε_i ~ N(0, I₃): tr Σ = 3. μ = (5, 5, 0) and g* = (1, 0, 0): the mean's cosine to g* tends to
        // cos 45° = 0.7071 (the mean's noise, 3/K, is small beside ‖μ‖² = 50). Over 100 data sets the 95 % intervals
        // must contain both values in most of them, and be narrower with 4 times the batches (about half as wide).
        var random = new Random(12);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        double[] mu = [5, 5, 0], reference = [1, 0, 0];
        (double Coverage, double CosineCoverage, double Width, double CosineWidth) Trial(int k)
        {
            int covered = 0, cosineCovered = 0;
            double width = 0, cosineWidth = 0;
            for (int t = 0; t < 100; t++)
            {
                var estimates = Enumerable.Range(0, k).Select(_ => mu.Select(m => m + Normal()).ToArray()).ToList();
                var i = BatchBootstrap.Intervals(BatchBootstrap.Gram(estimates), estimates.Select(g => BatchBootstrap.Dot(g, reference)).ToList(), 1, resamples: 400, seed: t);
                if (i.TotalVariance.Low <= 3 && 3 <= i.TotalVariance.High) covered++;
                if (i.Cosine.Low <= Math.Sqrt(0.5) && Math.Sqrt(0.5) <= i.Cosine.High) cosineCovered++;
                width += i.TotalVariance.High - i.TotalVariance.Low;
                cosineWidth += i.Cosine.High - i.Cosine.Low;
            }
            return (covered / 100.0, cosineCovered / 100.0, width / 100, cosineWidth / 100);
        }
        var small = Trial(16);
        var large = Trial(64);
        Assert.InRange(small.Coverage, 0.8, 1.0);
        Assert.InRange(large.Coverage, 0.85, 1.0);
        Assert.InRange(small.CosineCoverage, 0.8, 1.0);
        Assert.InRange(large.CosineCoverage, 0.85, 1.0);
        Assert.InRange(large.Width / small.Width, 0.3, 0.7);
        Assert.InRange(large.CosineWidth / small.CosineWidth, 0.3, 0.7);
    }

    [Fact]
    public void Streaming_statistics_give_the_intervals_of_the_kept_estimates()
    {
        var random = new Random(2);
        var estimates = Enumerable.Range(0, 10).Select(_ => Enumerable.Range(0, 30).Select(_ => (double)(float)(random.NextDouble() - 0.3)).ToArray()).ToList();
        var reference = Enumerable.Range(0, 30).Select(k => Math.Sin(k)).ToArray();
        var streaming = new StreamingGradientStatistics(30, reference, bootstrap: true);
        foreach (var e in estimates) streaming.Add(e);
        var expected = BatchBootstrap.Intervals(BatchBootstrap.Gram(estimates), estimates.Select(g => BatchBootstrap.Dot(g, reference)).ToList(),
            Math.Sqrt(BatchBootstrap.Dot(reference, reference)), resamples: 200, seed: 3);
        var actual = streaming.Intervals(200, seed: 3);
        Assert.Equal(expected.TotalVariance.Low, actual.TotalVariance.Low, 9);
        Assert.Equal(expected.TotalVariance.High, actual.TotalVariance.High, 9);
        Assert.Equal(expected.Cosine.Low, actual.Cosine.Low, 9);
        Assert.Equal(expected.Cosine.High, actual.Cosine.High, 9);
        Assert.Throws<InvalidOperationException>(() => new StreamingGradientStatistics(30, reference).Intervals());
    }
}
