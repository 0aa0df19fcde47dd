using static TorchSharp.torch;

namespace PolicyGradient.Estimators;

/// <summary>
/// Advantages that optimize pass@k (the chance that one of k samples is right) instead of pass@1.
/// <list type="bullet">
/// <item><see cref="Compute"/>: verl's grpo_passk (after Walder and Karkhanis 2025, "Pass@K Policy
/// Optimization", arXiv 2505.15201): only the best response of a group learns, with
/// A = (r_max − r_second) / (std_g + ε) (or without the std); all others get 0. Ties go to the first
/// best. verl raises on groups with fewer than two responses; here they get 0, so an invalid sample
/// cannot stop a run.</item>
/// <item><see cref="ComputeAnalytic"/>: Chen et al. 2025 ("Pass@k Training for Adaptively Balancing
/// Exploration and Exploitation", arXiv 2508.10751), for 0/1 rewards: with N responses of which
/// N⁻ failed, the mean pass@k reward over all k-subsets is R̄ = 1 − C(N⁻, k)/C(N, k), σ = √(R̄(1 − R̄)),
/// and A⁺ = (1 − R̄)/σ for a correct response, A⁻ = (1 − R̄ − C(N⁻ − 1, k − 1)/C(N − 1, k − 1))/σ for a
/// wrong one (the average group-normalized reward of the subsets that contain it). A score counts
/// as correct when it is ≥ <c>threshold</c>.</item>
/// </list>
/// </summary>
public static class PassAtKAdvantage
{
    /// <summary>verl's grpo_passk token-level advantages [B, L].</summary>
    public static Tensor Compute(GroupAdvantageInput input, double epsilon = GroupRelativeAdvantage.DefaultEpsilon, bool normalizeByStd = true)
    {
        var (scores, ids) = OutcomeBatch.Read(input);
        var stats = GroupStatistics.Of(scores, ids);
        var adv = new double[scores.Length];
        for (int g = 0; g < stats.GroupCount; g++)
        {
            int best = -1, second = -1;
            for (int i = 0; i < scores.Length; i++)
            {
                if (stats.Group[i] != g || double.IsNaN(scores[i])) continue;
                if (best < 0 || scores[i] > scores[best]) { second = best; best = i; }
                else if (second < 0 || scores[i] > scores[second]) second = i;
            }
            if (second < 0) continue;   // fewer than two valid responses
            double a = scores[best] - scores[second];
            adv[best] = normalizeByStd ? a / (stats.Std[best] + epsilon) : a;
        }
        return OutcomeBatch.ToTokens(adv, input.ResponseMask, OutcomeBatch.OutputType(input.Scores));
    }

    /// <summary>Chen et al.'s analytic pass@k advantages [B, L] for binary rewards; needs 1 ≤ k ≤ group size.</summary>
    public static Tensor ComputeAnalytic(GroupAdvantageInput input, int k, double threshold = 0.5)
    {
        if (k < 1) throw new ArgumentOutOfRangeException(nameof(k), k, "k must be ≥ 1");
        var (scores, ids) = OutcomeBatch.Read(input);
        var stats = GroupStatistics.Of(scores, ids);
        var failures = new int[stats.GroupCount];
        for (int i = 0; i < scores.Length; i++)
            if (!double.IsNaN(scores[i]) && scores[i] < threshold) failures[stats.Group[i]]++;
        var adv = new double[scores.Length];
        for (int i = 0; i < scores.Length; i++)
        {
            if (double.IsNaN(scores[i])) continue;
            int n = stats.Count[i], neg = failures[stats.Group[i]];
            if (k > n) throw new ArgumentException($"pass@k with k = {k} needs groups of at least k valid responses; a group has {n}: lower k or raise the group size");
            double mean = 1 - Choose(neg, k) / Choose(n, k);
            double sigma = Math.Sqrt(mean * (1 - mean));
            if (sigma == 0) continue;   // all right or all wrong: no signal, as in GRPO
            adv[i] = scores[i] >= threshold
                ? (1 - mean) / sigma
                : (1 - mean - Choose(neg - 1, k - 1) / Choose(n - 1, k - 1)) / sigma;
        }
        return OutcomeBatch.ToTokens(adv, input.ResponseMask, OutcomeBatch.OutputType(input.Scores));
    }

    /// <summary>Binomial coefficient C(n, r) as a double (0 when r &lt; 0 or r &gt; n).</summary>
    internal static double Choose(int n, int r)
    {
        if (r < 0 || n < 0 || r > n) return 0;
        double c = 1;
        for (int j = 1; j <= r; j++) c = c * (n - r + j) / j;
        return c;
    }
}
