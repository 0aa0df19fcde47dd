namespace PolicyGradient.Environments.Operations;

/// <summary>
/// Poisson demand drawn by inversion of a precomputed cumulative table: one uniform per draw, so the
/// number of random numbers a period consumes never depends on the actions — the property that makes
/// common-random-number comparisons of policies exact. The table stops where the remaining tail
/// mass is below 1e-15 (the last entry absorbs it).
/// </summary>
internal sealed class PoissonDemand
{
    readonly double[] _cdf;

    internal PoissonDemand(double mean)
    {
        Mean = mean;
        // Probabilities in log space so large means do not underflow exp(-mean):
        // log p(k) = log p(k-1) + log(mean) - log(k), log p(0) = -mean.
        var cdf = new List<double>();
        double logP = -mean, sum = 0, logMean = Math.Log(mean);
        int upper = (int)Math.Ceiling(mean + 12 * Math.Sqrt(mean) + 30);
        for (int k = 0; k <= upper; k++)
        {
            if (k > 0) logP += logMean - Math.Log(k);
            sum += Math.Exp(logP);
            cdf.Add(Math.Min(sum, 1.0));
            if (k > mean && 1 - sum < 1e-15) break;
        }
        cdf[^1] = 1.0;
        _cdf = [.. cdf];
    }

    /// <summary>The mean of the distribution.</summary>
    internal double Mean { get; }

    /// <summary>P(D &lt;= k) as tabulated.</summary>
    internal double Cdf(int k) => k < 0 ? 0 : k >= _cdf.Length ? 1 : _cdf[k];

    /// <summary>Largest demand the table can return.</summary>
    internal int MaxDemand => _cdf.Length - 1;

    /// <summary>The smallest k with P(D &lt;= k) &gt; u, for one uniform u from <paramref name="rng"/>.</summary>
    internal int Draw(Rng rng)
    {
        double u = rng.NextDouble();
        int lo = 0, hi = _cdf.Length - 1;
        while (lo < hi)
        {
            int mid = (lo + hi) >> 1;
            if (_cdf[mid] > u) hi = mid; else lo = mid + 1;
        }
        return lo;
    }
}
