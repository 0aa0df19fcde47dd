using TorchSharp;
using static TorchSharp.torch;
using PolicyGradient.Interop;

namespace PolicyGradient.Language.Model;

/// <summary>Pre-norm block: x + attn(norm₁(x)), then + mlp(norm₂(x)) (GPT-2, Llama).</summary>
internal sealed class TransformerBlock : nn.Module
{
    readonly nn.Module<Tensor, Tensor> input_layernorm, post_attention_layernorm, mlp;
    readonly CausalSelfAttention self_attn;

    public TransformerBlock(TransformerConfig c) : base(nameof(TransformerBlock))
    {
        input_layernorm = TransformerPolicy.MakeNorm(c);
        self_attn = new CausalSelfAttention(c);
        post_attention_layernorm = TransformerPolicy.MakeNorm(c);
        mlp = c.Mlp == MlpKind.Gelu ? new GeluMlp(c) : new SwiGluMlp(c);
        RegisterComponents();
    }

    internal CausalSelfAttention Attention => self_attn;
    internal nn.Module<Tensor, Tensor> Mlp => mlp;

    /// <summary>
    /// The block over x [B, T, C]. Each half runs in its own dispose scope, so its intermediates (the norm's
    /// output, q/k/v, the scores, the MLP's wide activations) are released as soon as that half has its output,
    /// as eager PyTorch frees a tensor when its last reference goes; autograd holds its own references to what
    /// backward needs. Only the residual stream leaves: a forward over many layers then holds one layer's
    /// temporaries at a time instead of all of them until the caller's scope ends (same values, same order).
    /// </summary>
    public Tensor Forward(Tensor x, Tensor allowed, (Tensor, Tensor)? rotary, KvCache? cache, int layer)
    {
        Tensor attended;
        using (var attention = torch.NewDisposeScope())
            attended = x.add(self_attn.Forward(input_layernorm.forward(x), allowed, rotary, cache, layer), TorchScalars.One)
                .MoveToOuterDisposeScope();
        using var feedForward = torch.NewDisposeScope();
        var output = attended.add(mlp.forward(post_attention_layernorm.forward(attended)), TorchScalars.One).MoveToOuterDisposeScope();
        attended.Dispose();   // the half-way residual: dead once the MLP half has read it
        return output;
    }
}
