using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Estimators;

/// <summary>
/// Token-level rewards from outcome scores, OpenRLHF's <c>compute_reward</c> convention:
/// <code>r̃[b, t] = −β · kl[b, t]                        on every response token
///            + clamp(score[b], −c, c)             on the last response token of b</code>
/// The clip c bounds a reward model's or verifier's outliers (OpenRLHF <c>reward_clip_range</c>); β·kl is
/// the KL-in-reward penalty (verl <c>use_kl_in_reward</c>). Rows of invalid samples (NaN score) or with no
/// response token are all zero; masked tokens are zero. Feed the result to a token-level estimator
/// (REINFORCE++, ReMax, token-level GAE) as <see cref="GroupAdvantageInput.TokenRewards"/> with zero scores,
/// or use it directly.
/// </summary>
public static class TokenRewardBuilder
{
    /// <summary>The token rewards [B, L] (float32, on the mask's device).</summary>
    /// <param name="scores">Outcome score per response [B]; NaN marks an invalid sample.</param>
    /// <param name="responseMask">1 on response tokens [B, L].</param>
    /// <param name="klPerToken">Per-token KL estimate [B, L] (e.g. k1 of log π_old − log π_ref), or null for none.</param>
    /// <param name="klCoefficient">β ≥ 0.</param>
    /// <param name="rewardClip">c &gt; 0 clamps each score to [−c, c]; null keeps scores as they are.</param>
    /// <exception cref="ArgumentException">Shapes that do not fit, β &lt; 0 or c ≤ 0 (the message names which).</exception>
    public static Tensor Build(Tensor scores, Tensor responseMask, Tensor? klPerToken = null, double klCoefficient = 0, double? rewardClip = null)
    {
        if (responseMask.dim() != 2) throw new ArgumentException($"responseMask must be [B, L], got [{string.Join(", ", responseMask.shape)}]", nameof(responseMask));
        long b = responseMask.shape[0], length = responseMask.shape[1];
        if (scores.dim() != 1 || scores.shape[0] != b) throw new ArgumentException($"scores must be [{b}], got [{string.Join(", ", scores.shape)}]", nameof(scores));
        if (!(klCoefficient >= 0)) throw new ArgumentException($"klCoefficient must be >= 0, got {klCoefficient}", nameof(klCoefficient));
        if (rewardClip is double c && !(c > 0)) throw new ArgumentException($"rewardClip must be > 0 (or null for none), got {c}", nameof(rewardClip));
        using var scope = torch.NewDisposeScope();
        double[] host;
        using (var s = scores.detach().to(ScalarType.Float64).cpu()) host = s.data<double>().ToArray();
        if (rewardClip is double clip)
            for (int i = 0; i < host.Length; i++) if (!double.IsNaN(host[i])) host[i] = Math.Clamp(host[i], -clip, clip);
        Tensor? penalty = null;
        if (klPerToken is not null)
        {
            if (klPerToken.dim() != 2 || klPerToken.shape[0] != b || klPerToken.shape[1] != length)
                throw new ArgumentException($"klPerToken must be [{b}, {length}], got [{string.Join(", ", klPerToken.shape)}]", nameof(klPerToken));
            using var minusBeta = (-klCoefficient).ToScalar();
            penalty = klPerToken.detach().to(ScalarType.Float64).mul(minusBeta);
        }
        double[] rewards = TokenRewards.Build(host, TokenRewards.ReadMask(responseMask), (int)length, penalty);
        return torch.tensor(rewards, dtype: ScalarType.Float64).reshape(b, length).to(ScalarType.Float32).to(responseMask.device).MoveToOuterDisposeScope();
    }
}
