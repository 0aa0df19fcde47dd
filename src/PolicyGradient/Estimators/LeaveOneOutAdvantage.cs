using static TorchSharp.torch;

namespace PolicyGradient.Estimators;

/// <summary>
/// RLOO, REINFORCE with a leave-one-out baseline (Kool et al. 2019, "Buy 4 REINFORCE Samples, Get a
/// Baseline for Free!"; Ahmadian et al. 2024, arXiv 2402.14740): each response is compared with the
/// mean of the other k − 1 responses to its prompt,
/// <code>A_i = r_i − (Σ_j r_j − r_i)/(k − 1) = k/(k − 1) · (r_i − mean_g(r))</code>
/// which is unbiased because the baseline does not depend on response i. A group of one has no
/// "others": verl's <c>rloo</c> leaves the raw score (<see cref="SingletonGroupPolicy.RawScore"/>, the
/// default here), verl's <c>rloo_vectorized</c> and TRL give 0 (<see cref="SingletonGroupPolicy.Zero"/>).
/// </summary>
public static class LeaveOneOutAdvantage
{
    /// <summary>Token-level advantages [B, L].</summary>
    public static Tensor Compute(GroupAdvantageInput input, SingletonGroupPolicy singleton = SingletonGroupPolicy.RawScore)
    {
        var (scores, ids) = OutcomeBatch.Read(input);
        var stats = GroupStatistics.Of(scores, ids);
        var adv = new double[scores.Length];
        for (int i = 0; i < scores.Length; i++)
        {
            int k = stats.Count[i];
            if (k == 1) { adv[i] = singleton == SingletonGroupPolicy.Zero ? 0 : scores[i]; continue; }
            // k/(k−1)·(r − mean): centring first keeps an all-equal group exactly at 0.
            adv[i] = k / (k - 1.0) * (scores[i] - stats.Mean[i]);
        }
        return OutcomeBatch.ToTokens(adv, input.ResponseMask, OutcomeBatch.OutputType(input.Scores));
    }
}
