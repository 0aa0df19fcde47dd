using TorchSharp;
using static TorchSharp.torch;
using PolicyGradient.Interop;

namespace PolicyGradient.Policies;

/// <summary>
/// Diagonal Gaussian N(μ, diag σ²) for Box actions: <c>mean</c> [B, d], <c>logStd</c> [d] (a
/// state-independent parameter, broadcast over the batch, as in SB3 and CleanRL) or [B, d].
/// Actions are NOT clipped here: the policy's log-probability is that of the unclipped sample, and
/// clipping to the box happens when the action is sent to the environment (SB3's convention).
/// log π(a) = Σ_i [−(a_i − μ_i)²/(2σ_i²) − log σ_i − ½ log 2π];  H = Σ_i [½ + ½ log 2π + log σ_i].
/// </summary>
public sealed class DiagGaussian : IActionDistribution
{
    const double HalfLog2Pi = 0.91893853320467274178;
    static readonly Scalar MinusHalf = (-0.5).ToScalar(), HalfLog2PiScalar = HalfLog2Pi.ToScalar(), EntropyOffset = (0.5 + HalfLog2Pi).ToScalar();

    /// <summary>Creates the distribution.</summary>
    public DiagGaussian(Tensor mean, Tensor logStd)
    {
        Mean = mean;
        LogStd = logStd.dim() < mean.dim() ? logStd.expand_as(mean) : logStd;
    }

    /// <summary>μ, [B, d].</summary>
    public Tensor Mean { get; }

    /// <summary>log σ broadcast to [B, d].</summary>
    public Tensor LogStd { get; }

    /// <inheritdoc />
    public Tensor LogProb(Tensor actions)
    {
        if (actions.dtype != Mean.dtype) actions = actions.to_type(Mean.dtype);
        var z = (actions - Mean) * (-LogStd).exp();
        return (z.pow(TorchScalars.Two).mul(MinusHalf) - LogStd).sub(HalfLog2PiScalar).sum(-1);
    }

    /// <inheritdoc />
    public Tensor Entropy() => LogStd.add(EntropyOffset, TorchScalars.One).sum(-1);

    /// <inheritdoc />
    public Tensor Sample(torch.Generator? generator = null)
    {
        using var _ = torch.no_grad();
        return RSample(generator);
    }

    /// <summary>Reparameterized sample μ + σ·ε, ε ~ N(0, I): differentiable with respect to μ and σ.</summary>
    public Tensor RSample(torch.Generator? generator = null)
    {
        var eps = torch.randn(Mean.shape, dtype: Mean.dtype, device: Mean.device, generator: generator);
        return Mean.add(LogStd.exp() * eps, TorchScalars.One);
    }

    /// <inheritdoc />
    public Tensor Mode() => Mean;
}
