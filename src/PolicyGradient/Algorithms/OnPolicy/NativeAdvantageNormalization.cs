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

    /// <summary>
    /// The masked form (mask 1 = valid): mean and unbiased std over the valid entries only, masked-out
    /// entries set to 0 (the variance's divisor is at least 1, as the tensor version's clamp).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Normalize(Span<float> a, ReadOnlySpan<float> mask)
    {
        double count = 0, mean = 0;
        for (int i = 0; i < a.Length; i++) { count += mask[i]; mean += a[i] * mask[i]; }
        mean /= Math.Max(count, 1);
        double sq = 0;
        for (int i = 0; i < a.Length; i++) { double c = (a[i] - mean) * mask[i]; sq += c * c; }
        float denom = (float)Math.Sqrt(sq / Math.Max(count - 1, 1)) + 1e-8f;
        for (int i = 0; i < a.Length; i++) a[i] = (float)((a[i] - mean) * mask[i]) / denom;
    }
}
