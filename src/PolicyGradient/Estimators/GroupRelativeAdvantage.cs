using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Estimators;

/// <summary>
/// GRPO's group-relative advantage (Shao et al. 2024, "DeepSeekMath", arXiv 2402.03300) and Dr. GRPO
/// (Liu et al. 2025, "Understanding R1-Zero-Like Training", arXiv 2503.20783), for outcome rewards:
/// <code>A_i = (r_i − mean_g(r)) / (std_g(r) + ε)      GRPO   (std unbiased, ε added to the std)
/// A_i =  r_i − mean_g(r)                        Dr. GRPO</code>
/// broadcast to every response token. Defaults follow verl's compute_grpo_outcome_advantage
/// (ε = 1e-6, torch.std i.e. n − 1, a group of one gets mean 0 and std 1). TRL uses ε = 1e-4 and
/// gives a group of one advantage 0: pass <c>epsilon: 1e-4, singleton: SingletonGroupPolicy.Zero</c>.
/// Example: the group {1, 0, 0, 1} has mean ½ and std √(1/3), so A = ±0.5/(0.5773503 + 1e-6) = ±0.8660239.
/// A group whose valid scores are all equal gets exactly 0.
/// </summary>
public static class GroupRelativeAdvantage
{
    /// <summary>verl's default ε added to the group std.</summary>
    public const double DefaultEpsilon = 1e-6;

    /// <summary>Token-level advantages [B, L] (dtype of the scores, zero on masked tokens and invalid samples).</summary>
    public static Tensor Compute(GroupAdvantageInput input, double epsilon = DefaultEpsilon,
        GroupRewardScaling scaling = GroupRewardScaling.Group, SingletonGroupPolicy singleton = SingletonGroupPolicy.RawScore)
    {
        if (!(epsilon >= 0)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "epsilon must be ≥ 0");
        var (scores, ids) = OutcomeBatch.Read(input);
        var stats = GroupStatistics.Of(scores, ids);
        double batchStd = scaling == GroupRewardScaling.Batch ? GroupStatistics.UnbiasedStd(scores) : double.NaN;
        if (double.IsNaN(batchStd)) batchStd = 0;
        var adv = new double[scores.Length];
        for (int i = 0; i < scores.Length; i++)
        {
            double mean = stats.Mean[i], std = stats.Std[i];
            if (stats.Count[i] == 1)
            {
                if (singleton == SingletonGroupPolicy.Zero) { adv[i] = 0; continue; }
                mean = 0; std = 1;   // verl: a lone response is scored against baseline 0, scale 1
            }
            double centred = scores[i] - mean;
            adv[i] = scaling switch
            {
                GroupRewardScaling.None => centred,
                GroupRewardScaling.Batch => centred / (stats.Count[i] == 1 ? std + epsilon : batchStd + epsilon),
                _ => centred / (std + epsilon),
            };
        }
        return OutcomeBatch.ToTokens(adv, input.ResponseMask, OutcomeBatch.OutputType(input.Scores));
    }
}
