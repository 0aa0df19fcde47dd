using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using PolicyGradient.Interop;

namespace PolicyGradient.Language.Model;

/// <summary>RMSNorm (Zhang and Sennrich 2019): y = x / √(mean(x²) + ε) · g, computed in float32 or wider.</summary>
internal sealed class RmsNorm : nn.Module<Tensor, Tensor>
{
    readonly Parameter weight;
    readonly double _epsilon;

    public RmsNorm(long dim, double epsilon) : base(nameof(RmsNorm))
    {
        weight = nn.Parameter(torch.ones(dim));
        _epsilon = epsilon;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var epsilon = _epsilon.ToScalar();
        return x * torch.rsqrt(x.pow(TorchScalars.Two).mean([-1L], keepdim: true).add(epsilon, TorchScalars.One)) * weight;
    }
}
