using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace PolicyGradient.Language.Model;

/// <summary>
/// Multi-head causal self-attention (Vaswani et al. 2017) with separate q/k/v/o projections (Llama's
/// layout; GPT-2's fused c_attn is split on load), optional rotary embeddings and a KV cache.
/// Grouped-query attention (Ainslie et al. 2023): k/v projections have KeyValueHeads heads, and key/value
/// head j serves query heads j·g … j·g + g − 1 with g = Heads / KeyValueHeads (Hugging Face's repeat_kv);
/// the cache stores the KeyValueHeads heads, so it shrinks by g.
/// </summary>
internal sealed class CausalSelfAttention : nn.Module
{
    static readonly Scalar NegativeInfinity = float.NegativeInfinity.ToScalar();

    readonly Linear q_proj, k_proj, v_proj, o_proj;
    readonly int _heads, _kvHeads, _headSize;

    public CausalSelfAttention(TransformerConfig c) : base(nameof(CausalSelfAttention))
    {
        _heads = c.Heads;
        _kvHeads = c.ResolvedKeyValueHeads;
        _headSize = c.HeadSize;
        q_proj = nn.Linear(c.Width, c.Width, hasBias: c.ResolvedQkvBias);
        k_proj = nn.Linear(c.Width, _kvHeads * _headSize, hasBias: c.ResolvedQkvBias);
        v_proj = nn.Linear(c.Width, _kvHeads * _headSize, hasBias: c.ResolvedQkvBias);
        o_proj = nn.Linear(c.Width, c.Width, hasBias: c.Bias);
        RegisterComponents();
    }

    internal Linear OutputProjection => o_proj;

    /// <summary>
    /// x [B, T, C]; <paramref name="allowed"/> [B, 1, T, S] says which of the S = past + T keys each
    /// query may attend to; <paramref name="rotary"/> holds cos/sin [B, 1, T, D] when rotary positions are on.
    /// </summary>
    public Tensor Forward(Tensor x, Tensor allowed, (Tensor Cos, Tensor Sin)? rotary, KvCache? cache, int layer)
    {
        long b = x.shape[0], t = x.shape[1];
        Tensor Split(Tensor y, int heads) => y.view(b, t, heads, _headSize).transpose(1, 2);
        var q = Split(q_proj.forward(x), _heads);
        var k = Split(k_proj.forward(x), _kvHeads);
        var v = Split(v_proj.forward(x), _kvHeads);
        if (rotary is var (cos, sin))
        {
            q = RotaryEmbedding.Apply(q, cos, sin);
            k = RotaryEmbedding.Apply(k, cos, sin);
        }
        if (cache is not null) (k, v) = cache.Append(layer, k, v);
        if (_kvHeads != _heads)
        {
            int group = _heads / _kvHeads;
            k = k.repeat_interleave(group, 1);
            v = v.repeat_interleave(group, 1);
        }
        using var scale = Math.Sqrt(_headSize).ToScalar();
        // In place: neither matmul's nor div's backward reads its own output, so the scaled and masked scores
        // reuse one [B, H, T, S] buffer instead of three (same values).
        var scores = torch.matmul(q, k.transpose(-2, -1)).div_(scale);
        scores.masked_fill_(allowed.logical_not(), NegativeInfinity);
        var y = torch.matmul(nn.functional.softmax(scores, -1), v);
        return o_proj.forward(y.transpose(1, 2).contiguous().view(b, t, _heads * _headSize));
    }
}
