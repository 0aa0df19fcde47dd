using static TorchSharp.torch;

namespace PolicyGradient.Estimators;

/// <summary>
/// REINFORCE++ (Hu 2025, "REINFORCE++: A Simple and Efficient Approach for Aligning Large Language
/// Models", arXiv 2501.03262), as in verl and OpenRLHF.
/// <list type="bullet">
/// <item><see cref="Compute"/>: discounted token returns G_t = r̃_t + γ G_{t+1} (r̃ = per-token rewards,
/// e.g. −β·KL, plus the outcome score on the last token; the sum restarts after the response ends),
/// then whitened over every valid token of the batch: A = (G − μ)/√(σ² + 1e-8), σ² unbiased.</item>
/// <item><see cref="ComputeWithBaseline"/> (REINFORCE++-baseline): the score minus its group mean,
/// broadcast to the tokens, then whitened over the batch the same way.</item>
/// </list>
/// No critic; batch whitening (rather than per-group std) is the paper's remedy for GRPO's per-prompt
/// overfitting.
/// </summary>
public static class ReinforcePlusPlusAdvantage
{
    /// <summary>Token-level advantages [B, L] from discounted returns (γ = 1 in verl's default config).</summary>
    public static Tensor Compute(GroupAdvantageInput input, double gamma = 1.0)
    {
        if (!(gamma >= 0 && gamma <= 1)) throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "gamma must be in [0, 1]");
        var scores = OutcomeBatch.ReadScores(input.Scores, input.ResponseMask, nameof(input.Scores));
        int b = scores.Length, l = (int)input.ResponseMask.shape[1];
        var mask = TokenRewards.ReadMask(input.ResponseMask);
        var r = TokenRewards.Build(scores, mask, l, input.TokenRewards);
        var returns = new double[b * l];
        var valid = (double[])mask.Clone();
        for (int i = 0; i < b; i++)
        {
            if (double.IsNaN(scores[i])) { Array.Clear(valid, i * l, l); continue; }   // invalid samples stay out of the whitening
            double g = 0;
            for (int t = l - 1; t >= 0; t--)
            {
                int k = i * l + t;
                g = r[k] + gamma * g;
                returns[k] = g;
                g *= mask[k];   // verl: the running return restarts outside the response
            }
        }
        var adv = TokenRewards.MaskedWhiten(returns, valid);
        return TokenRewards.ToTensor(adv, input.ResponseMask, OutcomeBatch.OutputType(input.Scores));
    }

    /// <summary>REINFORCE++-baseline: token-level advantages [B, L] = whiten(score − group mean).</summary>
    public static Tensor ComputeWithBaseline(GroupAdvantageInput input, SingletonGroupPolicy singleton = SingletonGroupPolicy.RawScore)
    {
        var (scores, ids) = OutcomeBatch.Read(input);
        var stats = GroupStatistics.Of(scores, ids);
        int b = scores.Length, l = (int)input.ResponseMask.shape[1];
        var mask = TokenRewards.ReadMask(input.ResponseMask);
        var centred = new double[b * l];
        var valid = (double[])mask.Clone();
        for (int i = 0; i < b; i++)
        {
            if (double.IsNaN(scores[i])) { Array.Clear(valid, i * l, l); continue; }
            double a = stats.Count[i] == 1 ? (singleton == SingletonGroupPolicy.Zero ? 0 : scores[i]) : scores[i] - stats.Mean[i];
            for (int t = 0; t < l; t++) centred[i * l + t] = a * mask[i * l + t];
        }
        var adv = TokenRewards.MaskedWhiten(centred, valid);
        return TokenRewards.ToTensor(adv, input.ResponseMask, OutcomeBatch.OutputType(input.Scores));
    }
}
