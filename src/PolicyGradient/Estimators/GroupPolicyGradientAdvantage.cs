using static TorchSharp.torch;

namespace PolicyGradient.Estimators;

/// <summary>
/// GPG (Chu et al. 2025, "GPG: A Simple and Strong Reinforcement Learning Baseline for Model
/// Reasoning", arXiv 2504.02546), as in verl's compute_gpg_outcome_advantage:
/// <code>A_i = α · (r_i − mean_g(r)) / F_norm,   α = B / max(1, #{i : r_i ≠ 0})</code>
/// with no std division; α rescales the batch gradient so that samples with zero reward (which
/// carry no signal when most rewards are 0/1) do not dilute it. B and the count are over valid
/// (non-NaN) samples. A group of one has baseline 0 (verl) or advantage 0.
/// </summary>
public static class GroupPolicyGradientAdvantage
{
    /// <summary>Token-level advantages [B, L].</summary>
    public static Tensor Compute(GroupAdvantageInput input, double fNorm = 1.0, SingletonGroupPolicy singleton = SingletonGroupPolicy.RawScore)
    {
        if (!(fNorm > 0)) throw new ArgumentOutOfRangeException(nameof(fNorm), fNorm, "fNorm must be > 0");
        var (scores, ids) = OutcomeBatch.Read(input);
        var stats = GroupStatistics.Of(scores, ids);
        int valid = scores.Count(s => !double.IsNaN(s));
        int nonzero = scores.Count(s => !double.IsNaN(s) && s != 0);
        double alpha = valid / (double)Math.Max(1, nonzero);
        var adv = new double[scores.Length];
        for (int i = 0; i < scores.Length; i++)
        {
            double centred = stats.Count[i] == 1 ? (singleton == SingletonGroupPolicy.Zero ? 0 : scores[i]) : scores[i] - stats.Mean[i];
            adv[i] = alpha * centred / fNorm;
        }
        return OutcomeBatch.ToTokens(adv, input.ResponseMask, OutcomeBatch.OutputType(input.Scores));
    }
}
