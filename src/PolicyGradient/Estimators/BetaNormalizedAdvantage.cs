using static TorchSharp.torch;

namespace PolicyGradient.Estimators;

/// <summary>
/// BNPO, Beta normalization (Xiao, Zhang and Cao 2025, "BNPO: Beta Normalization Policy
/// Optimization", arXiv 2506.02864), following the authors' verl recipe. Scores are mapped to [0, 1]
/// by (r − min)/(max − min); p_g is the group's mean (its success rate for 0/1 rewards);
/// <code>A_i = (r_i − p_g) / f(p_g; α, β),  f = Beta density,  1/f clamped to [0, 1e6]
/// m, v = mean and unbiased variance of the p_g over the batch's groups
/// a = (m(1 − m)/v − 1)·m,  b = (m(1 − m)/v − 1)·(1 − m)   (method of moments)
/// α = max(1, 1 + a/3),  β = max(1, 1 + b/3)</code>
/// With one group (or zero/undefined variance) α = β = 1, f ≡ 1 and BNPO is REINFORCE with the group
/// mean as baseline. A group of one has p = 0 (as the authors' code) or advantage 0.
/// </summary>
public static class BetaNormalizedAdvantage
{
    /// <summary>Upper clamp on 1/f (the authors' value).</summary>
    public const double MaxWeight = 1e6;

    /// <summary>Token-level advantages [B, L]; throws when a score lies outside [minValue, maxValue].</summary>
    public static Tensor Compute(GroupAdvantageInput input, double minValue = 0.0, double maxValue = 1.0,
        SingletonGroupPolicy singleton = SingletonGroupPolicy.RawScore)
    {
        if (!(maxValue > minValue)) throw new ArgumentException($"maxValue ({maxValue}) must exceed minValue ({minValue})");
        var (raw, ids) = OutcomeBatch.Read(input);
        var scores = raw.Select(r => (r - minValue) / (maxValue - minValue)).ToArray();
        foreach (var s in scores)
            if (!double.IsNaN(s) && (s < -1e-12 || s > 1 + 1e-12))
                throw new ArgumentException($"BNPO needs scores in [minValue, maxValue] = [{minValue}, {maxValue}]; got {s * (maxValue - minValue) + minValue}: set minValue/maxValue to the reward's range");
        var stats = GroupStatistics.Of(scores, ids);
        var p = new double[stats.GroupCount];
        for (int i = 0; i < scores.Length; i++) p[stats.Group[i]] = stats.Count[i] == 1 ? 0.0 : stats.Mean[i];
        var (alpha, beta) = Parameters(p.Where(x => !double.IsNaN(x)).ToArray());
        var adv = new double[scores.Length];
        for (int i = 0; i < scores.Length; i++)
        {
            if (stats.Count[i] == 1 && singleton == SingletonGroupPolicy.Zero) continue;
            double pg = p[stats.Group[i]];
            double weight = Math.Clamp(1.0 / Math.Exp(LogBetaDensity(pg, alpha, beta)), 0, MaxWeight);
            double centred = scores[i] - pg;
            adv[i] = centred == 0 ? 0 : weight * centred;
        }
        return OutcomeBatch.ToTokens(adv, input.ResponseMask, OutcomeBatch.OutputType(input.Scores));
    }

    /// <summary>(α, β) from the group success rates by the moment rule above; (1, 1) when undefined.</summary>
    internal static (double Alpha, double Beta) Parameters(double[] groupMeans)
    {
        if (groupMeans.Length < 2) return (1, 1);
        double m = groupMeans.Average();
        double v = groupMeans.Sum(x => (x - m) * (x - m)) / (groupMeans.Length - 1);
        if (!(v > 0)) return (1, 1);
        double common = m * (1 - m) / v - 1;
        double a = common * m, b = common * (1 - m);
        return (Math.Max(1.0, 1 + a / 3), Math.Max(1.0, 1 + b / 3));
    }

    /// <summary>log of the Beta(α, β) density at x ∈ [0, 1] (−∞ where it is 0).</summary>
    internal static double LogBetaDensity(double x, double alpha, double beta)
    {
        double logNorm = LogGamma(alpha + beta) - LogGamma(alpha) - LogGamma(beta);
        double left = alpha == 1 ? 0 : (alpha - 1) * Math.Log(x);
        double right = beta == 1 ? 0 : (beta - 1) * Math.Log(1 - x);
        return logNorm + left + right;
    }

    /// <summary>ln Γ(x) for x &gt; 0 (Lanczos approximation, g = 7, 9 terms; ~1e-15 relative).</summary>
    internal static double LogGamma(double x)
    {
        if (x < 0.5) return Math.Log(Math.PI / Math.Sin(Math.PI * x)) - LogGamma(1 - x);
        ReadOnlySpan<double> c =
        [
            0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
            12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
        ];
        x -= 1;
        double a = c[0], t = x + 7.5;
        for (int i = 1; i < 9; i++) a += c[i] / (x + i);
        return 0.5 * Math.Log(2 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(a);
    }
}
