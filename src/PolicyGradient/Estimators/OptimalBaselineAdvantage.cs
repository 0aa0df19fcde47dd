using static TorchSharp.torch;

namespace PolicyGradient.Estimators;

/// <summary>
/// OPO's length-weighted baseline (Hao et al. 2025, "On-Policy RL with Optimal Reward Baseline",
/// arXiv 2505.23585): under the simplifying assumption that the squared gradient norm of a response
/// grows with its length l_i, the variance-minimizing baseline is the length-weighted mean reward,
/// <code>b_g = Σ_i l_i r_i / Σ_i l_i,   A_i = r_i − b_g,   l_i = Σ_t mask[i, t]</code>
/// (verl's compute_opo_outcome_advantage). A group of one gets baseline 0 (verl) or advantage 0; a
/// group whose lengths are all zero falls back to the plain mean.
/// </summary>
public static class OptimalBaselineAdvantage
{
    /// <summary>Token-level advantages [B, L].</summary>
    public static Tensor Compute(GroupAdvantageInput input, SingletonGroupPolicy singleton = SingletonGroupPolicy.RawScore)
    {
        var (scores, ids) = OutcomeBatch.Read(input);
        var stats = GroupStatistics.Of(scores, ids);
        double[] lengths;
        using (var l = OutcomeBatch.Mask(input.ResponseMask, ScalarType.Float64).sum(-1).cpu()) lengths = l.data<double>().ToArray();
        var weighted = new double[stats.GroupCount];
        var weights = new double[stats.GroupCount];
        for (int i = 0; i < scores.Length; i++)
        {
            if (double.IsNaN(scores[i])) continue;
            weighted[stats.Group[i]] += lengths[i] * scores[i];
            weights[stats.Group[i]] += lengths[i];
        }
        var adv = new double[scores.Length];
        for (int i = 0; i < scores.Length; i++)
        {
            int g = stats.Group[i];
            if (stats.Count[i] == 1) { adv[i] = singleton == SingletonGroupPolicy.Zero ? 0 : scores[i]; continue; }
            // An all-equal group (std exactly 0) keeps its exact mean so its advantages are exactly 0.
            double baseline = stats.Std[i] == 0 || weights[g] <= 0 ? stats.Mean[i] : weighted[g] / weights[g];
            adv[i] = scores[i] - baseline;
        }
        return OutcomeBatch.ToTokens(adv, input.ResponseMask, OutcomeBatch.OutputType(input.Scores));
    }
}
