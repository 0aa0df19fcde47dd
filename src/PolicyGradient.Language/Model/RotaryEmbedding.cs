using TorchSharp;
using static TorchSharp.torch;
using PolicyGradient.Interop;

namespace PolicyGradient.Language.Model;

/// <summary>
/// Rotary position embedding (Su et al. 2021, RoFormer) in the "rotate half" layout used by Hugging
/// Face Llama/Qwen2: frequency i pairs dimension i with dimension i + D/2, θ_i = base^(−2i/D).
/// </summary>
internal static class RotaryEmbedding
{
    static readonly Scalar Zero = 0.ToScalar(), Two = 2.ToScalar();

    /// <summary>cos and sin [B, 1, T, D] for integer positions [B, T].</summary>
    public static (Tensor Cos, Tensor Sin) Tables(Tensor positions, int headSize, double theta, ScalarType dtype)
    {
        using var end = headSize.ToScalar();
        using var thetaTensor = torch.tensor(theta);   // pow(Tensor, Tensor): TorchSharp's pow(Scalar, Tensor) throws
        var inv = torch.pow(thetaTensor, (-torch.arange(Zero, end, Two, ScalarType.Float64, positions.device)).div(end));
        var angles = positions.to(ScalarType.Float64).unsqueeze(-1) * inv;   // [B, T, D/2]
        var full = torch.cat([angles, angles], -1).unsqueeze(1);               // [B, 1, T, D]
        return (full.cos().to(dtype), full.sin().to(dtype));
    }

    /// <summary>x·cos + rotate_half(x)·sin, with rotate_half(x) = [−x₂, x₁].</summary>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        long half = x.shape[^1] / 2;
        var rotated = torch.cat([-x.narrow(-1, half, half), x.narrow(-1, 0, half)], -1);
        return (x * cos).add(rotated * sin, TorchScalars.One);
    }
}
