using PolicyGradient.Algorithms.OffPolicy;
using PolicyGradient.Environments.Vector;
using static TorchSharp.torch;

namespace PolicyGradient.Algorithms;

/// <summary>
/// Twin Delayed DDPG (Fujimoto et al. 2018, arXiv:1802.09477): a deterministic tanh actor, twin
/// critics with the clipped double-Q target, target policy smoothing (noise 0.2 clipped at 0.5) and
/// delayed actor and target updates (every policy_delay = 2 critic steps). Box actions only. Defaults
/// follow SB3 2.4 (see <see cref="Td3Options"/>); the gradient step is <c>OffPolicy/TensorTd3Step.cs</c>
/// on libtorch, or the native kernels with backend auto/native.
/// Usage: <c>using var td3 = new Td3("Pendulum-v1"); td3.Learn(20_000);</c>
/// </summary>
public sealed class Td3 : OffPolicyAlgorithm<Td3Options>
{
    /// <summary>TD3 on <paramref name="options"/>.NEnvs copies of a registered environment.</summary>
    public Td3(string envId, Td3Options? options = null, long seed = 0, Device? device = null) : base(envId, options, seed, device) => Initialize(Build);

    /// <summary>TD3 as the run layer builds it (registry entry "td3").</summary>
    public Td3(Td3Options options, AlgorithmContext context) : base(options, context) => Initialize(Build);

    /// <summary>TD3 on a vector env you built (its NumEnvs overrides <c>n_envs</c>).</summary>
    public Td3(IVectorEnv env, Td3Options? options = null, long seed = 0, Device? device = null) : base(env, options, seed, device) => Initialize(Build);

    /// <inheritdoc />
    public override string Name => "td3";

    OffPolicyParts Build() => DeterministicPolicyParts.Build("td3", this, 2,
        new Td3StepSettings(Options.Tau, Options.PolicyDelay, Options.TargetPolicyNoise, Options.TargetNoiseClip));
}
