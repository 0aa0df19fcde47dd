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

    public Tensor Forward(Tensor x, Tensor allowed, (Tensor, Tensor)? rotary, KvCache? cache, int layer)
    {
        x = x.add(self_attn.Forward(input_layernorm.forward(x), allowed, rotary, cache, layer), TorchScalars.One);
        return x.add(mlp.forward(post_attention_layernorm.forward(x)), TorchScalars.One);
    }
}
