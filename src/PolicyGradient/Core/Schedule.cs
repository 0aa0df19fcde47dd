using System.Globalization;

namespace PolicyGradient.Core;

/// <summary>
/// A hyperparameter that may change over training: constant, or linear from its initial value to
/// zero (rl-baselines3-zoo's "lin_1e-3" notation). <see cref="Value"/> takes the remaining progress,
/// 1 at the start and 0 at the end, as SB3 does.
/// </summary>
public sealed record Schedule(double Initial, bool Linear = false)
{
    /// <summary>
    /// The value when <paramref name="progressRemaining"/> (1 → 0) of training is left, clamped to
    /// [0, 1]: the last rollout usually overshoots the total (100,096 of 100,000 steps), and a linear
    /// learning rate must then be 0, never negative.
    /// </summary>
    public double Value(double progressRemaining) => Linear ? Initial * Math.Clamp(progressRemaining, 0.0, 1.0) : Initial;

    /// <summary>A constant schedule.</summary>
    public static implicit operator Schedule(double value) => new(value);

    /// <summary>Parses "3e-4", "lin_1e-3" or "linear_1e-3".</summary>
    /// <exception cref="FormatException">Not a number or a lin_ schedule.</exception>
    public static Schedule Parse(string text)
    {
        string t = text.Trim();
        bool linear = false;
        foreach (string prefix in new[] { "lin_", "linear_" })
            if (t.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) { linear = true; t = t[prefix.Length..]; break; }
        if (!double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
            throw new FormatException($"'{text}' is not a number or a linear schedule like lin_1e-3");
        return new Schedule(v, linear);
    }

    /// <summary>Zoo notation: "lin_0.001" or "0.001".</summary>
    public override string ToString() =>
        (Linear ? "lin_" : "") + Initial.ToString("R", CultureInfo.InvariantCulture);
}
