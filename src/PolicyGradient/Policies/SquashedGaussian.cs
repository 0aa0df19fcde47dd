using TorchSharp;
using static TorchSharp.torch;
using PolicyGradient.Interop;

namespace PolicyGradient.Policies;

/// <summary>
/// Tanh-squashed diagonal Gaussian (SAC, Haarnoja et al. 2018, appendix C): u ~ N(μ, σ²), a = tanh(u).
/// log π(a) = log N(u; μ, σ) − Σ_i log(1 − tanh²(u_i)), with the log-determinant computed stably as
/// log(1 − tanh²(u)) = 2(log 2 − u − softplus(−2u)) (no cancellation near |a| = 1).
/// Given squashed actions, u = atanh(a) after clamping a to [−1 + ε, 1 − ε] (ε = 1e-6).
/// The entropy has no closed form: <see cref="Entropy()"/> returns the one-sample Monte-Carlo estimate
/// −log π(a) at a fresh sample a (unbiased, noisy); SAC uses exactly this estimate.
/// Actions live in (−1, 1); rescaling to the box bounds is the caller's job.
/// </summary>
public sealed class SquashedGaussian : IActionDistribution
{
    const double Log2 = 0.69314718055994530942;
    const double ClampEpsilon = 1e-6;
    static readonly Scalar Log2Scalar = Log2.ToScalar(), Two = 2.0.ToScalar(), MinusTwo = (-2.0).ToScalar(),
        ClampLow = (-1.0 + ClampEpsilon).ToScalar(), ClampHigh = (1.0 - ClampEpsilon).ToScalar();
    readonly DiagGaussian _base;

    /// <summary>Creates the distribution from the pre-squash mean and log standard deviation.</summary>
    public SquashedGaussian(Tensor mean, Tensor logStd) => _base = new DiagGaussian(mean, logStd);

    /// <summary>The Gaussian before the tanh.</summary>
    public DiagGaussian Base => _base;

    /// <summary>Σ_i log(1 − tanh²(u_i)) computed as Σ_i 2(log 2 − u_i − softplus(−2u_i)).</summary>
    public static Tensor LogAbsDetJacobian(Tensor u) =>
        (u.negative().add(Log2Scalar, TorchScalars.One) - nn.functional.softplus(u.mul(MinusTwo))).mul(Two).sum(-1);

    /// <inheritdoc />
    public Tensor LogProb(Tensor actions)
    {
        if (actions.dtype != _base.Mean.dtype) actions = actions.to_type(_base.Mean.dtype);
        var u = actions.clamp(ClampLow, ClampHigh).atanh();
        return LogProbFromPreSquash(u);
    }

    /// <summary>log π(tanh u) for a pre-squash value u (exact; no atanh round trip).</summary>
    public Tensor LogProbFromPreSquash(Tensor u) => _base.LogProb(u) - LogAbsDetJacobian(u);

    /// <summary>
    /// Reparameterized sample and its log-probability computed from the pre-squash value (the SAC
    /// actor update): both differentiable with respect to μ and σ.
    /// </summary>
    public (Tensor Action, Tensor LogProb) RSampleWithLogProb(torch.Generator? generator = null)
    {
        var u = _base.RSample(generator);
        return (u.tanh(), LogProbFromPreSquash(u));
    }

    /// <summary>One-sample estimate −log π(a), a ~ π (reparameterized, so it carries gradients).</summary>
    public Tensor Entropy() => Entropy(null);

    /// <summary>One-sample entropy estimate drawing the sample from <paramref name="generator"/>.</summary>
    public Tensor Entropy(torch.Generator? generator) => -RSampleWithLogProb(generator).LogProb;

    /// <inheritdoc />
    public Tensor Sample(torch.Generator? generator = null)
    {
        using var _ = torch.no_grad();
        return _base.RSample(generator).tanh();
    }

    /// <inheritdoc />
    public Tensor Mode() => _base.Mean.tanh();
}
