namespace PolicyGradient.Estimators;

/// <summary>
/// The adaptive KL coefficient of Ziegler et al. 2019 ("Fine-Tuning Language Models from Human
/// Preferences", arXiv 1909.08593, §2.2), as verl's and TRL's AdaptiveKLController: a proportional
/// controller that moves β so the measured KL tracks a target,
/// <code>e = clip(KL / KL_target − 1, −0.2, 0.2);   β ← β · (1 + e · n / horizon)</code>
/// with n the number of samples (sequences) behind the measurement. A pure function: the caller keeps β.
/// </summary>
public static class AdaptiveKlCoefficient
{
    /// <summary>The proportional error bound (±20 %) of the paper.</summary>
    public const double ErrorBound = 0.2;

    /// <summary>The next coefficient after measuring <paramref name="currentKl"/> over <paramref name="samples"/> sequences.</summary>
    public static double Update(double coefficient, double currentKl, double targetKl, double horizon, int samples)
    {
        if (!(targetKl > 0)) throw new ArgumentOutOfRangeException(nameof(targetKl), targetKl, "the target KL must be > 0");
        if (!(horizon > 0)) throw new ArgumentOutOfRangeException(nameof(horizon), horizon, "the horizon must be > 0");
        if (!double.IsFinite(currentKl)) return coefficient;
        double error = Math.Clamp(currentKl / targetKl - 1.0, -ErrorBound, ErrorBound);
        return coefficient * (1.0 + error * samples / horizon);
    }
}
