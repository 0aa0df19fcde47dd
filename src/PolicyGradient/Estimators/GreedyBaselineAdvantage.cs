using static TorchSharp.torch;

namespace PolicyGradient.Estimators;

/// <summary>
/// ReMax (Li et al. 2024, "ReMax: A Simple, Effective, and Efficient RL Method for Aligning LLMs",
/// arXiv 2310.10505): REINFORCE whose baseline is the reward of the greedy (argmax) response to the
/// same prompt, b(x) = r(x, ŷ_greedy). Following verl's compute_remax_outcome_advantage the return at
/// each token is the (undiscounted) sum of the token-level rewards from that token on, so
/// <code>A[b, t] = Σ_{t' ≥ t} r̃[b, t'] − b(x_b),   r̃ = token rewards + score on the last token</code>
/// which is score − baseline on every token when there are no per-token rewards. Needs
/// <see cref="GroupAdvantageInput.BaselineScores"/>; a NaN score or baseline gives advantage 0.
/// </summary>
public static class GreedyBaselineAdvantage
{
    /// <summary>Token-level advantages [B, L].</summary>
    public static Tensor Compute(GroupAdvantageInput input)
    {
        if (input.BaselineScores is null)
            throw new ArgumentException("ReMax needs BaselineScores: the reward of a greedy response per prompt (generate with temperature 0)", nameof(input));
        var scores = OutcomeBatch.ReadScores(input.Scores, input.ResponseMask, nameof(input.Scores));
        var baseline = OutcomeBatch.ReadScores(input.BaselineScores, input.ResponseMask, nameof(input.BaselineScores));
        int b = scores.Length, l = (int)input.ResponseMask.shape[1];
        var mask = TokenRewards.ReadMask(input.ResponseMask);
        var r = TokenRewards.Build(scores, mask, l, input.TokenRewards);
        var adv = new double[b * l];
        for (int i = 0; i < b; i++)
        {
            if (double.IsNaN(scores[i]) || double.IsNaN(baseline[i])) continue;
            double g = 0;
            for (int t = l - 1; t >= 0; t--)
            {
                int k = i * l + t;
                g += r[k];
                adv[k] = mask[k] != 0 ? g - baseline[i] : 0;
            }
        }
        return TokenRewards.ToTensor(adv, input.ResponseMask, OutcomeBatch.OutputType(input.Scores));
    }
}
