namespace PolicyGradient.Environments.Wrappers;

/// <summary>
/// Running mean and variance of a stream of vectors, merged batch by batch with the parallel
/// algorithm of Chan, Golub and LeVeque (1979) — Welford's update when a batch holds one sample:
/// δ = μ_B − μ_A, n = n_A + n_B, μ = μ_A + δ·n_B/n, M2 = σ²_A·n_A + σ²_B·n_B + δ²·n_A·n_B/n, σ² = M2/n.
/// Starts, as Gymnasium's and SB3's RunningMeanStd, from μ = 0, σ² = 1 and a pseudo-count of 1e-4,
/// so the first samples dominate without a division by zero. Statistics are kept in float64.
/// </summary>
public sealed class RunningMeanStd
{
    /// <summary>The initial pseudo-count (Gymnasium and SB3 use 1e-4).</summary>
    public const double InitialCount = 1e-4;

    /// <summary>Creates statistics for vectors of <paramref name="size"/> values.</summary>
    public RunningMeanStd(int size)
    {
        if (size <= 0) throw new ArgumentOutOfRangeException(nameof(size), size, "the statistics need at least one dimension");
        Mean = new double[size];
        Var = new double[size];
        Array.Fill(Var, 1.0);
        Count = InitialCount;
    }

    /// <summary>Per-dimension running mean (length <see cref="Size"/>).</summary>
    public double[] Mean { get; }

    /// <summary>Per-dimension running (population) variance (length <see cref="Size"/>).</summary>
    public double[] Var { get; }

    /// <summary>Number of samples seen (plus the initial pseudo-count).</summary>
    public double Count { get; private set; }

    /// <summary>Number of dimensions.</summary>
    public int Size => Mean.Length;

    /// <summary>Merges one sample (Welford's update: a batch of one with zero variance).</summary>
    public void Update(ReadOnlySpan<float> x)
    {
        CheckLength(x.Length);
        double n = Count + 1;
        for (int i = 0; i < Mean.Length; i++)
        {
            double delta = x[i] - Mean[i];
            Mean[i] += delta / n;
            Var[i] = (Var[i] * Count + delta * delta * Count / n) / n;
        }
        Count = n;
    }

    /// <summary>Merges one scalar sample (for one-dimensional statistics such as returns).</summary>
    public void Update(double x)
    {
        CheckLength(1);
        double n = Count + 1;
        double delta = x - Mean[0];
        Mean[0] += delta / n;
        Var[0] = (Var[0] * Count + delta * delta * Count / n) / n;
        Count = n;
    }

    /// <summary>Merges a batch of <c>rows.Length / Size</c> samples stored row-major (e.g. a vector env's observations).</summary>
    public void UpdateBatch(ReadOnlySpan<float> rows)
    {
        int d = Mean.Length;
        if (rows.Length == 0 || rows.Length % d != 0)
            throw new ArgumentException($"a batch must hold a positive multiple of {d} values, got {rows.Length}", nameof(rows));
        int m = rows.Length / d;
        double n = Count + m;
        for (int i = 0; i < d; i++)
        {
            double sum = 0;
            for (int r = 0; r < m; r++) sum += rows[r * d + i];
            double batchMean = sum / m, sq = 0;
            for (int r = 0; r < m; r++) { double e = rows[r * d + i] - batchMean; sq += e * e; }
            double batchVar = sq / m, delta = batchMean - Mean[i];
            Mean[i] += delta * m / n;
            Var[i] = (Var[i] * Count + batchVar * m + delta * delta * Count * m / n) / n;
        }
        Count = n;
    }

    /// <summary>Replaces the statistics (e.g. from a checkpoint).</summary>
    public void Set(double count, ReadOnlySpan<double> mean, ReadOnlySpan<double> var)
    {
        CheckLength(mean.Length);
        CheckLength(var.Length);
        if (!(count > 0) || !double.IsFinite(count)) throw new ArgumentOutOfRangeException(nameof(count), count, "the count must be positive and finite");
        Count = count;
        mean.CopyTo(Mean);
        var.CopyTo(Var);
    }

    /// <summary>Writes count, mean and variance.</summary>
    public void Save(BinaryWriter writer)
    {
        writer.Write(Mean.Length);
        writer.Write(Count);
        foreach (double m in Mean) writer.Write(m);
        foreach (double v in Var) writer.Write(v);
    }

    /// <summary>Reads what <see cref="Save"/> wrote.</summary>
    /// <exception cref="InvalidDataException">The saved statistics have another size.</exception>
    public void Load(BinaryReader reader)
    {
        int size = reader.ReadInt32();
        if (size != Mean.Length) throw new InvalidDataException($"saved running statistics have {size} dimension(s), these have {Mean.Length}");
        Count = reader.ReadDouble();
        for (int i = 0; i < size; i++) Mean[i] = reader.ReadDouble();
        for (int i = 0; i < size; i++) Var[i] = reader.ReadDouble();
    }

    void CheckLength(int length)
    {
        if (length != Mean.Length) throw new ArgumentException($"expected {Mean.Length} value(s), got {length}");
    }
}
