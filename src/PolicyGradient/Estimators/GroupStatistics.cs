namespace PolicyGradient.Estimators;

/// <summary>
/// Per-group statistics of outcome scores, looked up per sample. Computed in double with two passes
/// (mean first, then the sum of squared deviations) so a float32 batch like {10000.1, 10000.2} does
/// not lose its variance to cancellation as E[x²] − E[x]² would. NaN scores are invalid samples: they
/// are not counted. A group whose valid scores are all equal gets exactly its common value as mean,
/// so its centred scores are exactly 0.
/// </summary>
internal sealed class GroupStatistics
{
    /// <summary>Valid members of the sample's group.</summary>
    public required int[] Count { get; init; }
    /// <summary>Mean of the valid scores of the sample's group (NaN when the group has no valid score).</summary>
    public required double[] Mean { get; init; }
    /// <summary>Sum of the valid scores of the sample's group.</summary>
    public required double[] Sum { get; init; }
    /// <summary>Unbiased (n − 1) std of the sample's group; NaN when fewer than two valid members.</summary>
    public required double[] Std { get; init; }
    /// <summary>Group index (0..G−1, in order of first appearance) of each sample.</summary>
    public required int[] Group { get; init; }
    /// <summary>Number of distinct groups.</summary>
    public required int GroupCount { get; init; }

    /// <summary>Statistics of <paramref name="scores"/> grouped by <paramref name="ids"/>.</summary>
    public static GroupStatistics Of(double[] scores, long[] ids)
    {
        int b = scores.Length;
        var index = new Dictionary<long, int>();
        var group = new int[b];
        for (int i = 0; i < b; i++)
        {
            if (!index.TryGetValue(ids[i], out int g)) { g = index.Count; index[ids[i]] = g; }
            group[i] = g;
        }
        int n = index.Count;
        var count = new int[n];
        var sum = new double[n];
        var min = Enumerable.Repeat(double.PositiveInfinity, n).ToArray();
        var max = Enumerable.Repeat(double.NegativeInfinity, n).ToArray();
        for (int i = 0; i < b; i++)
        {
            double s = scores[i];
            if (double.IsNaN(s)) continue;
            int g = group[i];
            count[g]++; sum[g] += s;
            min[g] = Math.Min(min[g], s); max[g] = Math.Max(max[g], s);
        }
        var mean = new double[n];
        for (int g = 0; g < n; g++)
            mean[g] = count[g] == 0 ? double.NaN : min[g] == max[g] ? min[g] : sum[g] / count[g];
        var squares = new double[n];
        for (int i = 0; i < b; i++)
        {
            if (double.IsNaN(scores[i])) continue;
            double d = scores[i] - mean[group[i]];
            squares[group[i]] += d * d;
        }
        var std = new double[n];
        for (int g = 0; g < n; g++) std[g] = count[g] < 2 ? double.NaN : Math.Sqrt(squares[g] / (count[g] - 1));
        return new GroupStatistics
        {
            Count = group.Select(g => count[g]).ToArray(),
            Mean = group.Select(g => mean[g]).ToArray(),
            Sum = group.Select(g => sum[g]).ToArray(),
            Std = group.Select(g => std[g]).ToArray(),
            Group = group,
            GroupCount = n,
        };
    }

    /// <summary>Two-pass unbiased std of the valid (non-NaN) values; NaN when fewer than two.</summary>
    public static double UnbiasedStd(IReadOnlyList<double> values)
    {
        int n = 0; double sum = 0;
        foreach (var v in values) if (!double.IsNaN(v)) { n++; sum += v; }
        if (n < 2) return double.NaN;
        double mean = sum / n, ss = 0;
        foreach (var v in values) if (!double.IsNaN(v)) ss += (v - mean) * (v - mean);
        return Math.Sqrt(ss / (n - 1));
    }
}
