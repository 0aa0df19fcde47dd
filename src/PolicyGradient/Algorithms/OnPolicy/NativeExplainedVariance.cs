namespace PolicyGradient.Algorithms.OnPolicy;

/// <summary>
/// <see cref="Objectives.ExplainedVariance"/> on spans (the tensor version stays the definition):
/// 1 − Var(y − ŷ)/Var(y) with population variances in double; NaN when Var(y) = 0.
/// </summary>
internal static class NativeExplainedVariance
{
    /// <summary>Explained variance of <paramref name="predicted"/> for <paramref name="target"/>.</summary>
    public static double Compute(ReadOnlySpan<float> predicted, ReadOnlySpan<float> target)
    {
        int n = target.Length;
        double meanY = 0, meanD = 0;
        for (int i = 0; i < n; i++) { meanY += target[i]; meanD += (double)target[i] - predicted[i]; }
        meanY /= n; meanD /= n;
        double varY = 0, varD = 0;
        for (int i = 0; i < n; i++)
        {
            double y = target[i] - meanY, d = (double)target[i] - predicted[i] - meanD;
            varY += y * y; varD += d * d;
        }
        return varY == 0 ? double.NaN : 1.0 - varD / varY;
    }
}
