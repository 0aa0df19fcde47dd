using System.Runtime.CompilerServices;

namespace PolicyGradient.Algorithms.OnPolicy;

/// <summary>
/// <see cref="Estimators.AdvantageNormalization"/> on spans (the tensor version stays the definition):
/// Â = (A − mean)/(std + 1e-8) with the unbiased std.
/// </summary>
internal static class NativeAdvantageNormalization
{
    /// <summary>Normalizes <paramref name="a"/> in place (left unchanged when it holds fewer than two values).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Normalize(Span<float> a)
    {
        if (a.Length < 2) return;
        double mean = 0;
        foreach (float v in a) mean += v;
        mean /= a.Length;
        double sq = 0;
        foreach (float v in a) sq += (v - mean) * (v - mean);
        float m = (float)mean, denom = (float)Math.Sqrt(sq / (a.Length - 1)) + 1e-8f;
        for (int i = 0; i < a.Length; i++) a[i] = (a[i] - m) / denom;
    }
}
