namespace PolicyGradient.Diagnostics;

/// <summary>
/// The figures of <see cref="GradientStatistics"/> accumulated one estimate at a time, for gradients too large to keep
/// K of (a language model's): per parameter the sum and the sum of squares, and Σ_i ‖ĝ_i − g*‖² against a reference
/// fixed beforehand. Same definitions: unbiased per-parameter variance, tr Σ, GSNR over parameters with a positive
/// variance, cosine of the mean to g*, MSE (1/K) Σ_i ‖ĝ_i − g*‖². With <c>bootstrap</c> on it also keeps each estimate
/// rounded to float (4 bytes per parameter per estimate) and adds its row of the Gram matrix and its product with g*,
/// which is all <see cref="BatchBootstrap"/> needs for intervals over the K batches.
/// </summary>
public sealed class StreamingGradientStatistics
{
    readonly double[] _sum, _squares;
    readonly double[]? _reference;
    readonly List<float[]>? _kept;
    readonly List<double[]> _gramRows = [];
    readonly List<double> _referenceDots = [];
    double _squaredError;

    /// <summary>
    /// Accumulators for estimates of <paramref name="parameters"/> entries, against <paramref name="reference"/> (null: no
    /// MSE); <paramref name="bootstrap"/>: also keep what <see cref="Intervals"/> needs.
    /// </summary>
    public StreamingGradientStatistics(int parameters, double[]? reference = null, bool bootstrap = false)
    {
        if (reference is not null && reference.Length != parameters)
            throw new ArgumentException($"the reference has {reference.Length} entries, the estimates {parameters}");
        (_sum, _squares, _reference, _kept) = (new double[parameters], new double[parameters], reference, bootstrap ? [] : null);
    }

    /// <summary>K so far.</summary>
    public int Count { get; private set; }

    /// <summary>Adds one estimate ĝ_i.</summary>
    public void Add(ReadOnlySpan<double> estimate)
    {
        if (estimate.Length != _sum.Length) throw new ArgumentException($"an estimate has {estimate.Length} entries, expected {_sum.Length}");
        for (int k = 0; k < estimate.Length; k++)
        {
            _sum[k] += estimate[k];
            _squares[k] += estimate[k] * estimate[k];
            if (_reference is not null) { double d = estimate[k] - _reference[k]; _squaredError += d * d; }
        }
        if (_kept is not null) Keep(estimate);
        Count++;
    }

    // The estimate as float, its products with the kept ones (a row of the Gram matrix, in double) and with g*.
    void Keep(ReadOnlySpan<double> estimate)
    {
        var rounded = new float[estimate.Length];
        for (int k = 0; k < rounded.Length; k++) rounded[k] = (float)estimate[k];
        _kept!.Add(rounded);
        var row = new double[_kept.Count];
        for (int j = 0; j < row.Length; j++)
        {
            var other = _kept[j];
            double dot = 0;
            for (int k = 0; k < rounded.Length; k++) dot += (double)rounded[k] * other[k];
            row[j] = dot;
        }
        _gramRows.Add(row);
        if (_reference is not null)
        {
            double dot = 0;
            for (int k = 0; k < rounded.Length; k++) dot += rounded[k] * _reference[k];
            _referenceDots.Add(dot);
        }
    }

    /// <summary>
    /// Percentile-bootstrap intervals over the K estimates of tr Σ and of the cosine to g* (<see cref="BatchBootstrap.Intervals"/>;
    /// the cosine's is NaN without a reference).
    /// </summary>
    /// <exception cref="InvalidOperationException">Made without <c>bootstrap</c>, or fewer than 2 estimates.</exception>
    public BootstrapIntervals Intervals(int resamples = 1000, double level = 0.95, int seed = 0)
    {
        if (_kept is null) throw new InvalidOperationException("bootstrap intervals need the statistics made with bootstrap: true");
        RequireTwo();
        var gram = new double[Count, Count];
        for (int i = 0; i < Count; i++)
            for (int j = 0; j <= i; j++) gram[i, j] = gram[j, i] = _gramRows[i][j];
        double norm = _reference is null ? 0 : Math.Sqrt(BatchBootstrap.Dot(_reference, _reference));
        return BatchBootstrap.Intervals(gram, _reference is null ? null : _referenceDots, norm, resamples, level, seed);
    }

    /// <summary>Per-parameter mean.</summary>
    public double[] Mean() => _sum.Select(s => s / Math.Max(Count, 1)).ToArray();

    double Variance(int k) => Math.Max(0, (_squares[k] - _sum[k] * _sum[k] / Count) / (Count - 1));

    /// <summary>tr Σ (K ≥ 2).</summary>
    public double TotalVariance()
    {
        RequireTwo();
        double total = 0;
        for (int k = 0; k < _sum.Length; k++) total += Variance(k);
        return total;
    }

    /// <summary>Mean of m_k²/v_k over the parameters with v_k &gt; 0 (NaN when none).</summary>
    public double SignalToNoise()
    {
        RequireTwo();
        double sum = 0;
        int count = 0;
        for (int k = 0; k < _sum.Length; k++)
        {
            double v = Variance(k), m = _sum[k] / Count;
            if (v > 0) { sum += m * m / v; count++; }
        }
        return count == 0 ? double.NaN : sum / count;
    }

    /// <summary>(1/K) Σ_i ‖ĝ_i − g*‖² (NaN without a reference).</summary>
    public double MeanSquaredError() => _reference is null || Count == 0 ? double.NaN : _squaredError / Count;

    /// <summary>Cosine of the mean to the reference (NaN without one).</summary>
    public double CosineToReference() => _reference is null ? double.NaN : GradientStatistics.Cosine(Mean(), _reference);

    void RequireTwo()
    {
        if (Count < 2) throw new InvalidOperationException($"a variance needs at least 2 estimates, got {Count}");
    }
}
