using TorchSharp;
using static TorchSharp.torch;
using PolicyGradient.Interop;

namespace PolicyGradient.Objectives;

/// <summary>
/// SAC's reparameterized squashed-Gaussian action and its log-probability (Haarnoja et al. 2018,
/// appendix C), as SB3 computes them: log σ clamped to [−20, 2]; u = μ + σ·ε with ε ~ N(0, I) drawn by
/// the caller; a = tanh(u);
/// log π(a|s) = Σ_j [−½ ε_j² − log σ_j − ½ log 2π] − Σ_j log(1 − tanh(u_j)² + 10⁻⁶).
/// The Gaussian term uses ε directly ((u − μ)/σ = ε exactly in real arithmetic; SB3 recomputes it
/// from u, equal up to rounding). The 10⁻⁶ inside the log keeps the correction finite at |a| → 1
/// (SB3's TanhBijector epsilon). Worked number: μ = 0, log σ = 0, ε = 0 → a = 0, log π = −½ log 2π ≈ −0.9189.
/// </summary>
public static class SquashedGaussianSample
{
    /// <summary>SB3's LOG_STD_MIN and LOG_STD_MAX.</summary>
    public const double LogStdMin = -20, LogStdMax = 2;
    const double JacobianEpsilon = 1e-6;
    static readonly double HalfLogTwoPi = 0.5 * Math.Log(2 * Math.PI);
    static readonly Scalar Min = LogStdMin.ToScalar(), Max = LogStdMax.ToScalar(), MinusHalf = (-0.5).ToScalar(),
        HalfLog2Pi = HalfLogTwoPi.ToScalar(), Epsilon = JacobianEpsilon.ToScalar();

    /// <summary>
    /// The action a [B, act] and log π(a|s) [B] for pre-squash means <paramref name="mean"/> [B, act],
    /// unclamped log σ <paramref name="logStd"/> [B, act] and standard-normal <paramref name="noise"/>
    /// [B, act]; both outputs are differentiable with respect to μ and log σ.
    /// </summary>
    public static (Tensor Action, Tensor LogProb) Sample(Tensor mean, Tensor logStd, Tensor noise)
    {
        var clamped = logStd.clamp(Min, Max);
        var u = mean.add(clamped.exp().mul(noise), TorchScalars.One);
        var action = u.tanh();
        var gaussian = noise.pow(TorchScalars.Two).mul(MinusHalf).sub(clamped).sub(HalfLog2Pi);
        var oneMinusSquare = torch.ones_like(action).sub(action.pow(TorchScalars.Two));
        var correction = oneMinusSquare.add(Epsilon, TorchScalars.One).log();
        return (action, gaussian.sum(-1).sub(correction.sum(-1)));
    }
}
