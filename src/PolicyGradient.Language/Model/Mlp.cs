using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace PolicyGradient.Language.Model;

/// <summary>GPT-2's MLP: down(gelu_tanh(up(x))).</summary>
internal sealed class GeluMlp : nn.Module<Tensor, Tensor>
{
    readonly Linear up_proj, down_proj;

    public GeluMlp(TransformerConfig c) : base(nameof(GeluMlp))
    {
        up_proj = nn.Linear(c.Width, c.ResolvedMlpWidth, hasBias: c.Bias);
        down_proj = nn.Linear(c.ResolvedMlpWidth, c.Width, hasBias: c.Bias);
        RegisterComponents();
    }

    /// <summary>GELU with the tanh approximation (Hendrycks and Gimpel 2016), GPT-2's "gelu_new":
    /// ½x(1 + tanh(√(2/π)(x + 0.044715x³))), as libtorch's one fused kernel (gelu, approximate = "tanh"):
    /// one output and one saved input instead of eight temporaries of the MLP's width per layer.</summary>
    internal static Tensor GeluTanh(Tensor x) => x.gelu(GELU.Approximate.tanh);

    public override Tensor forward(Tensor x) => down_proj.forward(GeluTanh(up_proj.forward(x)));
}

/// <summary>SwiGLU MLP (Shazeer 2020, "GLU Variants Improve Transformer"): down(silu(gate(x)) ⊙ up(x)).</summary>
internal sealed class SwiGluMlp : nn.Module<Tensor, Tensor>
{
    readonly Linear gate_proj, up_proj, down_proj;

    public SwiGluMlp(TransformerConfig c) : base(nameof(SwiGluMlp))
    {
        gate_proj = nn.Linear(c.Width, c.ResolvedMlpWidth, hasBias: c.Bias);
        up_proj = nn.Linear(c.Width, c.ResolvedMlpWidth, hasBias: c.Bias);
        down_proj = nn.Linear(c.ResolvedMlpWidth, c.Width, hasBias: c.Bias);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => down_proj.forward(nn.functional.silu(gate_proj.forward(x)) * up_proj.forward(x));
}
