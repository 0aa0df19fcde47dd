namespace PolicyGradient.Environments.Spaces;

/// <summary>
/// A (possibly unbounded) box in R^n of float32 values (Gymnasium's Box). Sampling follows
/// Gymnasium: uniform on bounded dimensions, normal on unbounded ones, shifted exponential on
/// half-bounded ones.
/// </summary>
public sealed class Box : Space
{
    readonly int[] _shape;

    /// <summary>Creates a box with per-element bounds (row-major, length = product of shape).</summary>
    public Box(float[] low, float[] high, int[]? shape = null)
    {
        shape ??= [low.Length];
        int size = 1;
        foreach (int d in shape)
        {
            if (d <= 0) throw new ArgumentOutOfRangeException(nameof(shape), d, "Box dimensions must be >= 1");
            size *= d;
        }
        if (low.Length != size || high.Length != size)
            throw new ArgumentException($"Box bounds must have {size} elements for shape {FormatShape(shape)}, got low {low.Length}, high {high.Length}");
        for (int i = 0; i < size; i++)
        {
            if (float.IsNaN(low[i]) || float.IsNaN(high[i])) throw new ArgumentException($"Box bound {i} is NaN");
            if (low[i] > high[i]) throw new ArgumentException($"Box low[{i}] = {low[i]} is above high[{i}] = {high[i]}");
        }
        Low = (float[])low.Clone();
        High = (float[])high.Clone();
        _shape = (int[])shape.Clone();
    }

    /// <summary>Creates a box with the same scalar bounds on every element.</summary>
    public Box(float low, float high, params int[] shape)
        : this(Fill(low, shape), Fill(high, shape), shape) { }

    static float[] Fill(float v, int[] shape)
    {
        int size = 1;
        foreach (int d in shape) size *= d;
        var a = new float[size];
        Array.Fill(a, v);
        return a;
    }

    /// <summary>Lower bounds, row-major.</summary>
    public float[] Low { get; }

    /// <summary>Upper bounds, row-major.</summary>
    public float[] High { get; }

    /// <inheritdoc />
    public override int[] Shape => _shape;

    /// <inheritdoc />
    public override int FlatSize => Low.Length;

    /// <inheritdoc />
    public override bool IsDiscrete => false;

    /// <summary>True when every dimension has finite bounds.</summary>
    public bool IsBounded => Low.All(float.IsFinite) && High.All(float.IsFinite);

    /// <inheritdoc />
    public override void Sample(Rng rng, Span<float> destination)
    {
        for (int i = 0; i < Low.Length; i++)
        {
            bool lo = float.IsFinite(Low[i]), hi = float.IsFinite(High[i]);
            destination[i] = (lo, hi) switch
            {
                (true, true) => (float)rng.Uniform(Low[i], High[i]),
                (false, false) => (float)rng.Normal(),
                (true, false) => Low[i] + (float)rng.Exponential(),
                _ => High[i] - (float)rng.Exponential(),
            };
            if (destination[i] > High[i]) destination[i] = High[i]; // float rounding of low + (high-low)*u
        }
    }

    /// <inheritdoc />
    public override bool Contains(ReadOnlySpan<float> x)
    {
        if (x.Length != Low.Length) return false;
        for (int i = 0; i < x.Length; i++)
            if (float.IsNaN(x[i]) || x[i] < Low[i] || x[i] > High[i]) return false;
        return true;
    }

    /// <summary>Clips <paramref name="x"/> into the box in place.</summary>
    public void Clip(Span<float> x)
    {
        for (int i = 0; i < x.Length; i++) x[i] = Math.Clamp(x[i], Low[i], High[i]);
    }

    /// <inheritdoc />
    public override string ToString()
    {
        static string F(float[] a) => a.Distinct().Count() == 1 ? Fmt(a[0]) : "[" + string.Join(' ', a.Select(Fmt)) + "]";
        static string Fmt(float v) => float.IsPositiveInfinity(v) ? "inf" : float.IsNegativeInfinity(v) ? "-inf" : v.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        return $"Box({F(Low)}, {F(High)}, {FormatShape(_shape)}, float32)";
    }
}
