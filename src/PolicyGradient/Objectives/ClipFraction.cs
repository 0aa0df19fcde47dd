using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Objectives;

/// <summary>Fraction of (valid) elements where the PPO clip was active: a diagnostic to log.</summary>
public static class ClipFraction
{
    static readonly Scalar One = 1.0.ToScalar();

    /// <summary>mean(clippedMask) over elements where <paramref name="mask"/> is set (all when null); 0 when none is valid.</summary>
    public static Tensor Compute(Tensor clippedMask, Tensor? mask = null)
    {
        using var _ = torch.no_grad();
        var c = clippedMask.to_type(ScalarType.Float32);
        if (mask is null) return c.mean();
        var m = mask.to_type(ScalarType.Float32);
        return (c * m).sum() / m.sum().clamp_min(One);
    }
}
