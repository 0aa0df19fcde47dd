using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Estimators;

/// <summary>
/// Token-level GAE for language models (PPO with a critic, Ouyang et al. 2022; verl's
/// compute_gae_advantage_return): each response is one episode whose steps are its tokens. The
/// per-token reward is r̃ = token rewards (e.g. −β·KL) + the outcome score on the last response
/// token; V_t is the critic's value of the state before token t. This only changes the layout:
/// the recursion is <see cref="GeneralizedAdvantageEstimation"/>'s, run time-major over [L, B] with
/// V'_t = V_{t+1} and the episode terminated at the last valid token (no bootstrap past EOS or the
/// length cap — the response is over). Returns R_t = A_t + V_t are the critic's targets; the
/// advantages are then whitened over all valid tokens of the batch (verl's masked_whiten; pass
/// <c>whiten: false</c> to skip). Invalid samples (NaN score) get advantage 0 and are left out of the
/// whitening statistics.
/// </summary>
public static class TokenLevelGae
{
    /// <summary>Advantages and returns, both [B, L], zero on masked tokens.</summary>
    /// <param name="input">Scores [B], response mask [B, L], optional token rewards [B, L] (group ids are not used).</param>
    /// <param name="values">[B, L] critic values V_t on the response tokens.</param>
    /// <param name="gamma">Discount γ per token (verl default 1).</param>
    /// <param name="lambda">GAE λ (verl default 1).</param>
    /// <param name="whiten">Whiten the advantages over the valid tokens (verl does).</param>
    public static (Tensor Advantages, Tensor Returns) Compute(GroupAdvantageInput input, Tensor values, double gamma, double lambda, bool whiten = true)
    {
        var scores = OutcomeBatch.ReadScores(input.Scores, input.ResponseMask, nameof(input.Scores));
        int b = scores.Length, l = (int)input.ResponseMask.shape[1];
        if (values.dim() != 2 || values.shape[0] != b || values.shape[1] != l)
            throw new ArgumentException($"values must be [{b}, {l}] like the response mask, got [{string.Join(", ", values.shape)}]", nameof(values));
        var mask = TokenRewards.ReadMask(input.ResponseMask);
        for (int i = 0; i < b; i++) if (double.IsNaN(scores[i])) Array.Clear(mask, i * l, l);
        var r = TokenRewards.Build(scores, mask, l, input.TokenRewards);
        using var v64 = values.detach().to(ScalarType.Float64).cpu();
        var v = v64.data<double>().ToArray();

        // Time-major copies: row t holds token t of every response.
        var rT = new float[l * b]; var vT = new float[l * b]; var nvT = new float[l * b]; var endT = new float[l * b];
        for (int i = 0; i < b; i++)
        {
            int last = -1;
            for (int t = 0; t < l; t++) if (mask[i * l + t] != 0) last = t;
            for (int t = 0; t < l; t++)
            {
                bool valid = t <= last;
                int k = t * b + i;
                rT[k] = valid ? (float)r[i * l + t] : 0f;
                vT[k] = valid ? (float)v[i * l + t] : 0f;
                nvT[k] = valid && t < last ? (float)v[i * l + t + 1] : 0f;
                endT[k] = valid && t < last ? 0f : 1f;
            }
        }
        var (advT, retT) = GeneralizedAdvantageEstimation.Compute(
            torch.tensor(rT, [l, b]), torch.tensor(vT, [l, b]), torch.tensor(nvT, [l, b]), torch.tensor(endT, [l, b]), torch.tensor(endT, [l, b]),
            gamma, lambda);
        var advT64 = advT.to(ScalarType.Float64).data<double>().ToArray();
        var retT64 = retT.to(ScalarType.Float64).data<double>().ToArray();
        var adv = new double[b * l]; var ret = new double[b * l];
        for (int i = 0; i < b; i++)
            for (int t = 0; t < l; t++)
            {
                bool m = mask[i * l + t] != 0;
                adv[i * l + t] = m ? advT64[t * b + i] : 0;
                ret[i * l + t] = m ? retT64[t * b + i] : 0;
            }
        if (whiten) adv = TokenRewards.MaskedWhiten(adv, mask);
        var dtype = values.is_floating_point() ? values.dtype : ScalarType.Float32;
        return (TokenRewards.ToTensor(adv, input.ResponseMask, dtype), TokenRewards.ToTensor(ret, input.ResponseMask, dtype));
    }
}
