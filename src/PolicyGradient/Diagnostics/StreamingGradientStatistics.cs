namespace PolicyGradient.Diagnostics;

/// <summary>
/// The figures of <see cref="GradientStatistics"/> accumulated one estimate at a time, for gradients too large to keep
/// K of (a language model's): per parameter the sum and the sum of squares, and Σ_i ‖ĝ_i − g*‖² against a reference
/// fixed beforehand. Same definitions: unbiased per-parameter variance, tr Σ, GSNR over parameters with a positive
/// variance, cosine of the mean to g*, MSE (1/K) Σ_i ‖ĝ_i − g*‖².
/// </summary>
public sealed class StreamingGradientStatistics
{
    readonly double[] _sum, _squares;
    readonly double[]? _reference;
    double _squaredError;

    /// <summary>Accumulators for estimates of <paramref name="parameters"/> entries, against <paramref name="reference"/> (null: no MSE).</summary>
    public StreamingGradientStatistics(int parameters, double[]? reference = null)
    {
        if (reference is not null && reference.Length != parameters)
            throw new ArgumentException($"the reference has {reference.Length} entries, the estimates {parameters}");
        (_sum, _squares, _reference) = (new double[parameters], new double[parameters], reference);
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
        Count++;
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
