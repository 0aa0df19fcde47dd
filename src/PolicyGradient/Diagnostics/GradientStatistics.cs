namespace PolicyGradient.Diagnostics;

/// <summary>
/// Statistics of K independent gradient estimates ĝ_1..ĝ_K ∈ ℝᴾ of one estimator (pure functions on
/// arrays, tested on hand values). With the per-parameter mean m_k = (1/K) Σ_i ĝ_ik and unbiased
/// variance v_k = Σ_i (ĝ_ik − m_k)² / (K − 1):
/// <list type="bullet">
/// <item>total variance tr Σ = Σ_k v_k (the expected squared distance of one estimate from the mean, times K/(K − 1));</item>
/// <item>gradient signal-to-noise ratio GSNR = mean over parameters with v_k &gt; 0 of m_k² / v_k (Liu et al. 2020);</item>
/// <item>cosine similarity of the mean m to a reference gradient g* (a bias proxy: 1 when m points where g* does);</item>
/// <item>mean squared error (1/K) Σ_i ‖ĝ_i − g*‖² (= ‖m − g*‖² + (K − 1)/K · tr Σ: bias² plus variance).</item>
/// </list>
/// </summary>
public static class GradientStatistics
{
    /// <summary>Per-parameter mean over the estimates.</summary>
    public static double[] Mean(IReadOnlyList<double[]> estimates)
    {
        Check(estimates, 1);
        var mean = new double[estimates[0].Length];
        foreach (var g in estimates)
            for (int k = 0; k < mean.Length; k++) mean[k] += g[k];
        for (int k = 0; k < mean.Length; k++) mean[k] /= estimates.Count;
        return mean;
    }

    /// <summary>Per-parameter unbiased variance over the estimates (K ≥ 2).</summary>
    public static double[] Variance(IReadOnlyList<double[]> estimates)
    {
        Check(estimates, 2);
        var mean = Mean(estimates);
        var variance = new double[mean.Length];
        foreach (var g in estimates)
            for (int k = 0; k < mean.Length; k++) { double d = g[k] - mean[k]; variance[k] += d * d; }
        for (int k = 0; k < mean.Length; k++) variance[k] /= estimates.Count - 1;
        return variance;
    }

    /// <summary>tr Σ = Σ_k v_k.</summary>
    public static double TotalVariance(IReadOnlyList<double[]> estimates) => Variance(estimates).Sum();

    /// <summary>Mean of m_k² / v_k over the parameters whose variance is positive (NaN when none is).</summary>
    public static double SignalToNoise(IReadOnlyList<double[]> estimates)
    {
        var mean = Mean(estimates);
        var variance = Variance(estimates);
        double sum = 0;
        int count = 0;
        for (int k = 0; k < mean.Length; k++)
            if (variance[k] > 0) { sum += mean[k] * mean[k] / variance[k]; count++; }
        return count == 0 ? double.NaN : sum / count;
    }

    /// <summary>⟨a, b⟩ / (‖a‖ ‖b‖); NaN when either is zero.</summary>
    public static double Cosine(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        if (a.Length != b.Length) throw new ArgumentException($"the vectors have {a.Length} and {b.Length} entries");
        double dot = 0, na = 0, nb = 0;
        for (int k = 0; k < a.Length; k++) { dot += a[k] * b[k]; na += a[k] * a[k]; nb += b[k] * b[k]; }
        return na == 0 || nb == 0 ? double.NaN : dot / Math.Sqrt(na * nb);
    }

    /// <summary>(1/K) Σ_i ‖ĝ_i − g*‖².</summary>
    public static double MeanSquaredError(IReadOnlyList<double[]> estimates, ReadOnlySpan<double> reference)
    {
        Check(estimates, 1);
        double sum = 0;
        foreach (var g in estimates)
        {
            if (g.Length != reference.Length) throw new ArgumentException($"an estimate has {g.Length} entries, the reference {reference.Length}");
            for (int k = 0; k < g.Length; k++) { double d = g[k] - reference[k]; sum += d * d; }
        }
        return sum / estimates.Count;
    }

    /// <summary>
    /// A percentile-bootstrap confidence interval of tr Σ: <paramref name="resamples"/> draws of K estimates
    /// with replacement (seeded), the (1 − level)/2 and (1 + level)/2 quantiles of their total variances.
    /// </summary>
    public static (double Low, double High) TotalVarianceInterval(IReadOnlyList<double[]> estimates, int resamples = 1000, double level = 0.95, int seed = 0)
    {
        Check(estimates, 2);
        var random = new Random(seed);
        var totals = new double[resamples];
        var draw = new double[estimates.Count][];
        for (int b = 0; b < resamples; b++)
        {
            for (int i = 0; i < draw.Length; i++) draw[i] = estimates[random.Next(estimates.Count)];
            totals[b] = TotalVariance(draw);
        }
        Array.Sort(totals);
        double Quantile(double q) => totals[Math.Clamp((int)Math.Floor(q * (resamples - 1)), 0, resamples - 1)];
        return (Quantile((1 - level) / 2), Quantile((1 + level) / 2));
    }

    static void Check(IReadOnlyList<double[]> estimates, int minimum)
    {
        if (estimates.Count < minimum) throw new ArgumentException($"needs at least {minimum} estimates, got {estimates.Count}");
        int p = estimates[0].Length;
        if (estimates.Any(g => g.Length != p)) throw new ArgumentException("the estimates differ in length");
    }
}
