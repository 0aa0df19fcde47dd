using PolicyGradient.Environments.Wrappers;
using PolicyGradient.Training;

namespace PolicyGradient.Tests.EnvTests.Wrappers;

public class RunningMeanStdTests
{
    /// <summary>
    /// Closed form of the pooled statistics of the samples plus the initial pseudo-sample
    /// (mean 0, variance 1, weight c0 = 1e-4): n = c0 + m, μ = Σx / n,
    /// σ² = (c0·1 + c0·(0 − μ)² + Σ(x − μ)²) / n.
    /// </summary>
    static (double Count, double Mean, double Var) Pooled(double[] xs)
    {
        double c0 = 1e-4, n = c0 + xs.Length, mean = xs.Sum() / n;
        double m2 = c0 * 1.0 + c0 * mean * mean + xs.Sum(x => (x - mean) * (x - mean));
        return (n, mean, m2 / n);
    }

    [Fact]
    public void Sequential_updates_match_the_pooled_closed_form()
    {
        double[] xs = [1, 2, 4, -3, 0.5];
        var rms = new RunningMeanStd(1);
        foreach (double x in xs) rms.Update([(float)x]);
        var (count, mean, var) = Pooled(xs);
        Assert.Equal(count, rms.Count, 12);
        Assert.Equal(mean, rms.Mean[0], 12);
        Assert.Equal(var, rms.Var[0], 12);
        // Hand check of the mean: 4.5 / 5.0001.
        Assert.Equal(0.899982000359993, rms.Mean[0], 12);
    }

    [Fact]
    public void Batch_update_equals_sample_by_sample_updates()
    {
        float[] rows = [1, 10, 2, 20, 4, 40, -3, -30];
        var a = new RunningMeanStd(2);
        var b = new RunningMeanStd(2);
        a.UpdateBatch(rows);
        for (int r = 0; r < 4; r++) b.Update(rows.AsSpan(r * 2, 2));
        Assert.Equal(b.Count, a.Count, 12);
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(b.Mean[i], a.Mean[i], 10);
            Assert.Equal(b.Var[i], a.Var[i], 10);
        }
    }

    [Fact]
    public void Save_and_load_restore_the_statistics_and_size_mismatch_is_rejected()
    {
        var a = new RunningMeanStd(2);
        a.Update([3, 4]);
        var ms = new MemoryStream();
        a.Save(new BinaryWriter(ms));
        ms.Position = 0;
        var b = new RunningMeanStd(2);
        b.Load(new BinaryReader(ms));
        Assert.Equal(a.Count, b.Count);
        Assert.Equal(a.Mean, b.Mean);
        Assert.Equal(a.Var, b.Var);
        ms.Position = 0;
        Assert.Throws<InvalidDataException>(() => new RunningMeanStd(3).Load(new BinaryReader(ms)));
    }
}
