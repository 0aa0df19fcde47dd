using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Objectives;

/// <summary>
/// GSPO, Group Sequence Policy Optimization (Zheng et al. 2025, arXiv 2507.18071): the PPO clip applied
/// to one importance ratio per sequence, the length-normalized sequence likelihood ratio
/// <code>s_i = exp( (1/|y_i|) Σ_t m_t (log π(y_i,t) − log π_old(y_i,t)) )
/// L_i,t = max(−A_i,t · s_i,t,  −A_i,t · clip(s_i,t, 1 − ε_low, 1 + ε_high))
/// s_i,t = sg[s_i] · π(y_i,t) / sg[π(y_i,t)]   (value s_i; ∂s_i,t/∂log π(y_i,t) = s_i)</code>
/// — the token-level form (GSPO-token in the paper, verl's compute_policy_loss_gspo), which equals
/// sequence-level GSPO when the advantage is constant over the sequence. Aggregate with
/// <see cref="LossAggregationMode.SeqMeanTokenMean"/> (verl forces it). The paper's clip range is
/// tiny because s_i is a geometric mean: ε_low = 3e-4, ε_high = 4e-4. log s_i,t is capped at 10
/// before exp, as verl does.
/// </summary>
public static class GspoObjective
{
    static readonly Scalar Zero = 0.ToScalar(), One = 1.0.ToScalar();

    /// <summary>The paper's lower clip range.</summary>
    public const double DefaultClipLow = 3e-4;
    /// <summary>The paper's upper clip range.</summary>
    public const double DefaultClipHigh = 4e-4;

    /// <summary>
    /// Per-token loss [B, L] and a mask of tokens whose clipped term bound the loss. Inputs are
    /// [B, L]; <paramref name="mask"/> marks response tokens (the sequence mean runs over them).
    /// </summary>
    public static (Tensor Loss, Tensor ClippedMask) Compute(Tensor logProbs, Tensor oldLogProbs, Tensor advantages, Tensor mask,
        double clipLow = DefaultClipLow, double clipHigh = DefaultClipHigh, double logRatioCap = 10.0)
    {
        var m = mask.to(logProbs.dtype).ne(Zero).to(logProbs.dtype);
        var adv = advantages.detach();
        var logRatio = logProbs - oldLogProbs.detach();
        var lengths = m.sum(-1).clamp_min(One);
        var seqLogRatio = (logRatio * m).sum(-1) / lengths;                                  // log s_i
        var tokenLogRatio = logProbs - logProbs.detach() + seqLogRatio.detach().unsqueeze(-1);  // value log s_i, gradient 1 per token
        using var cap = logRatioCap.ToScalar();
        using var lower = (1.0 - clipLow).ToScalar();
        using var upper = (1.0 + clipHigh).ToScalar();
        var ratio = tokenLogRatio.clamp_max(cap).exp();
        var unclipped = -adv * ratio;
        var clipped = -adv * ratio.clamp(lower, upper);
        return (torch.maximum(unclipped, clipped), clipped.gt(unclipped).logical_and(m.ne(Zero)));
    }
}
