namespace PolicyGradient.Diagnostics;

/// <summary>A confidence interval [Low, High].</summary>
public readonly record struct ConfidenceInterval(double Low, double High);

/// <summary>Percentile-bootstrap intervals of one estimator's total variance and cosine to the reference.</summary>
/// <param name="TotalVariance">Interval of tr Σ.</param>
/// <param name="Cosine">Interval of the cosine of the mean estimate to g* (NaN ends without a reference).</param>
public sealed record BootstrapIntervals(ConfidenceInterval TotalVariance, ConfidenceInterval Cosine);

/// <summary>
/// Percentile-bootstrap intervals over K batch estimates ĝ_1..ĝ_K (Efron and Tibshirani 1993, ch. 13), computed from
/// their Gram matrix G_ij = ⟨ĝ_i, ĝ_j⟩ and the products r_i = ⟨ĝ_i, g*⟩ alone, so that a gradient too large to keep
/// K of in double precision needs only K² + K numbers. A resample draws K batches with replacement; with c_i the
/// number of times batch i was drawn (Σ c_i = K) its mean is ḡ_c = (1/K) Σ c_i ĝ_i and
/// <code>tr Σ_c = (1/(K − 1)) [Σ_i c_i G_ii − (1/K) cᵀGc]     cos_c = cᵀr / (√(cᵀGc) ‖g*‖)</code>
/// (Σ_i c_i ‖ĝ_i − ḡ_c‖² = Σ_i c_i G_ii − K ‖ḡ_c‖², ‖ḡ_c‖² = cᵀGc / K²), the figures <see cref="GradientStatistics"/>
/// computes on the drawn list. The interval is the (1 − level)/2 and (1 + level)/2 quantiles over the resamples.
/// </summary>
public static class BatchBootstrap
{
    /// <summary>The Gram matrix of <paramref name="estimates"/> (K × K).</summary>
    public static double[,] Gram(IReadOnlyList<double[]> estimates)
    {
        int k = estimates.Count;
        var gram = new double[k, k];
        for (int i = 0; i < k; i++)
            for (int j = 0; j <= i; j++) gram[i, j] = gram[j, i] = Dot(estimates[i], estimates[j]);
        return gram;
    }

    /// <summary>⟨a, b⟩ accumulated in double.</summary>
    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        if (a.Length != b.Length) throw new ArgumentException($"the vectors have {a.Length} and {b.Length} entries");
        double sum = 0;
        for (int k = 0; k < a.Length; k++) sum += a[k] * b[k];
        return sum;
    }

    /// <summary>tr Σ of the resample that drew batch i <paramref name="counts"/>[i] times (Σ counts ≥ 2).</summary>
    public static double TotalVariance(double[,] gram, ReadOnlySpan<int> counts)
    {
        int drawn = Drawn(gram, counts);
        if (drawn < 2) throw new ArgumentException($"a variance needs at least 2 draws, got {drawn}");
        double diagonal = 0;
        for (int i = 0; i < counts.Length; i++) diagonal += counts[i] * gram[i, i];
        return Math.Max(0, (diagonal - Quadratic(gram, counts) / drawn) / (drawn - 1));
    }

    /// <summary>Cosine of the resample's mean to g*, from r_i = ⟨ĝ_i, g*⟩ and ‖g*‖; NaN when either vector is zero.</summary>
    public static double Cosine(double[,] gram, ReadOnlySpan<double> referenceDots, double referenceNorm, ReadOnlySpan<int> counts)
    {
        Drawn(gram, counts);
        if (referenceDots.Length != counts.Length) throw new ArgumentException($"{referenceDots.Length} reference products for {counts.Length} estimates");
        double dot = 0;
        for (int i = 0; i < counts.Length; i++) dot += counts[i] * referenceDots[i];
        double norm = Math.Sqrt(Math.Max(0, Quadratic(gram, counts)));
        return norm == 0 || referenceNorm == 0 ? double.NaN : dot / (norm * referenceNorm);
    }

    /// <summary>
    /// The intervals at <paramref name="level"/> from <paramref name="resamples"/> seeded resamples. Resample b draws
    /// batch indices with <c>new Random(seed).Next(K)</c>, K per resample in order — the draws of
    /// <see cref="GradientStatistics.TotalVarianceInterval"/>, whose interval this reproduces.
    /// </summary>
    /// <param name="gram">G (K × K, K ≥ 2).</param>
    /// <param name="referenceDots">r_i = ⟨ĝ_i, g*⟩, or null (cosine interval NaN).</param>
    /// <param name="referenceNorm">‖g*‖.</param>
    /// <param name="resamples">Number of resamples (≥ 1).</param>
    /// <param name="level">Coverage, in (0, 1).</param>
    /// <param name="seed">Seed of the draws.</param>
    public static BootstrapIntervals Intervals(double[,] gram, IReadOnlyList<double>? referenceDots, double referenceNorm, int resamples = 1000, double level = 0.95, int seed = 0)
    {
        int k = gram.GetLength(0);
        if (k < 2 || gram.GetLength(1) != k) throw new ArgumentException($"the Gram matrix must be square with at least 2 rows, got {gram.GetLength(0)} × {gram.GetLength(1)}");
        if (resamples < 1) throw new ArgumentException($"resamples must be >= 1, got {resamples}");
        if (level is <= 0 or >= 1) throw new ArgumentException($"the level must lie in (0, 1), got {level}");
        var dots = referenceDots?.ToArray();
        var random = new Random(seed);
        var counts = new int[k];
        var totals = new double[resamples];
        var cosines = new List<double>(resamples);
        for (int b = 0; b < resamples; b++)
        {
            Array.Clear(counts);
            for (int i = 0; i < k; i++) counts[random.Next(k)]++;
            totals[b] = TotalVariance(gram, counts);
            if (dots is not null && Cosine(gram, dots, referenceNorm, counts) is var c && !double.IsNaN(c)) cosines.Add(c);
        }
        return new BootstrapIntervals(Percentiles(totals, level), cosines.Count == 0 ? new ConfidenceInterval(double.NaN, double.NaN) : Percentiles(cosines.ToArray(), level));
    }

    // The (1 − level)/2 and (1 + level)/2 order statistics (index ⌊q (n − 1)⌋ of the sorted values, as GradientStatistics).
    static ConfidenceInterval Percentiles(double[] values, double level)
    {
        Array.Sort(values);
        double At(double q) => values[Math.Clamp((int)Math.Floor(q * (values.Length - 1)), 0, values.Length - 1)];
        return new ConfidenceInterval(At((1 - level) / 2), At((1 + level) / 2));
    }

    static double Quadratic(double[,] gram, ReadOnlySpan<int> counts)
    {
        double sum = 0;
        for (int i = 0; i < counts.Length; i++)
        {
            if (counts[i] == 0) continue;
            double row = 0;
            for (int j = 0; j < counts.Length; j++) row += counts[j] * gram[i, j];
            sum += counts[i] * row;
        }
        return sum;
    }

    static int Drawn(double[,] gram, ReadOnlySpan<int> counts)
    {
        if (gram.GetLength(0) != counts.Length || gram.GetLength(1) != counts.Length)
            throw new ArgumentException($"{counts.Length} counts for a {gram.GetLength(0)} × {gram.GetLength(1)} Gram matrix");
        int drawn = 0;
        foreach (int c in counts)
        {
            if (c < 0) throw new ArgumentException($"a count is negative ({c})");
            drawn += c;
        }
        return drawn;
    }
}
