using PolicyGradient.Algorithms.OffPolicy;
using PolicyGradient.Environments.Vector;
using static TorchSharp.torch;

namespace PolicyGradient.Algorithms;

/// <summary>
/// Soft Actor-Critic (Haarnoja et al. 2018, arXiv:1801.01290 and arXiv:1812.05905): a squashed-Gaussian
/// actor maximizing Q − α log π, twin critics with the clipped double-Q soft target, and an entropy
/// temperature α learned towards the target entropy −dim(A). On a Discrete action space it is the
/// discrete variant of Christodoulou (2019, arXiv:1910.07207) — a categorical actor and critics with
/// one output per action — so <c>pg train sac CartPole-v1</c> works. Defaults follow SB3 2.4 (see
/// <see cref="SacOptions"/>); the gradient step is <c>OffPolicy/TensorSacStep.cs</c> (or
/// <c>TensorDiscreteSacStep.cs</c>) on libtorch, or the native kernels with backend auto/native.
/// Usage: <c>using var sac = new Sac("Pendulum-v1"); sac.Learn(20_000); sac.Predict(obs);</c>
/// </summary>
public sealed class Sac : OffPolicyAlgorithm<SacOptions>
{
    /// <summary>SAC on <paramref name="options"/>.NEnvs copies of a registered environment.</summary>
    public Sac(string envId, SacOptions? options = null, long seed = 0, Device? device = null) : base(envId, options, seed, device) => Initialize(Build);

    /// <summary>SAC as the run layer builds it (registry entry "sac").</summary>
    public Sac(SacOptions options, AlgorithmContext context) : base(options, context) => Initialize(Build);

    /// <summary>SAC on a vector env you built (its NumEnvs overrides <c>n_envs</c>).</summary>
    public Sac(IVectorEnv env, SacOptions? options = null, long seed = 0, Device? device = null) : base(env, options, seed, device) => Initialize(Build);

    /// <inheritdoc />
    public override string Name => "sac";

    /// <summary>True on a Discrete action space (Christodoulou's discrete SAC).</summary>
    public bool IsDiscrete => DiscreteActions is not null;

    /// <summary>The target entropy H̄ in use: target_entropy, or auto (−dim A; target_entropy_scale·log|A| for Discrete).</summary>
    public double TargetEntropy => Options.TargetEntropy
        ?? (DiscreteActions is { } d ? Options.TargetEntropyScale * Math.Log(d.N) : -ActionSize);

    OffPolicyParts Build()
    {
        var (learned, alpha) = Options.ParseEntCoef();
        var settings = new SacStepSettings(Options.Tau, TargetEntropy, learned ? null : alpha, Options.TargetUpdateInterval);
        if (DiscreteActions is { } discrete)
        {
            var nets = OffPolicyNetworkFactory.DiscreteSac(ObservationSize, discrete.N, Options.NetArch, 2, learned ? alpha : null, Generator, Device);
            return new OffPolicyParts(nets, OffPolicyActorKind.Categorical,
                new OffPolicyStepRequest("sac-discrete", nets, settings, null, Deterministic), _ => []);
        }
        var networks = OffPolicyNetworkFactory.Sac(ObservationSize, ActionSize, Options.NetArch, 2, learned ? alpha : null, Generator, Device);
        // SAC draws ε for ã ~ π(·|s) and ã' ~ π(·|s'): [2, B, act].
        return new OffPolicyParts(networks, OffPolicyActorKind.SquashedGaussian,
            new OffPolicyStepRequest("sac", networks, settings, null, Deterministic), b => [2, b, ActionSize]);
    }
}
