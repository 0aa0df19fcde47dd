using PolicyGradient.Algorithms.OffPolicy;
using PolicyGradient.Environments.Vector;
using static TorchSharp.torch;

namespace PolicyGradient.Algorithms;

/// <summary>
/// Deep Deterministic Policy Gradient (Lillicrap et al. 2016, arXiv:1509.02971), in SB3's form: TD3's
/// step with one critic, policy_delay 1 and no target policy smoothing; exploration by Gaussian or
/// Ornstein-Uhlenbeck action noise (<c>action_noise</c>, <c>noise_std</c>). Box actions only. Defaults
/// follow SB3 2.4 (see <see cref="DdpgOptions"/>).
/// Usage: <c>using var ddpg = new Ddpg("Pendulum-v1", new DdpgOptions { ActionNoise = "normal" }); ddpg.Learn(20_000);</c>
/// </summary>
public sealed class Ddpg : OffPolicyAlgorithm<DdpgOptions>
{
    /// <summary>DDPG on <paramref name="options"/>.NEnvs copies of a registered environment.</summary>
    public Ddpg(string envId, DdpgOptions? options = null, long seed = 0, Device? device = null) : base(envId, options, seed, device) => Initialize(Build);

    /// <summary>DDPG as the run layer builds it (registry entry "ddpg").</summary>
    public Ddpg(DdpgOptions options, AlgorithmContext context) : base(options, context) => Initialize(Build);

    /// <summary>DDPG on a vector env you built (its NumEnvs overrides <c>n_envs</c>).</summary>
    public Ddpg(IVectorEnv env, DdpgOptions? options = null, long seed = 0, Device? device = null) : base(env, options, seed, device) => Initialize(Build);

    /// <inheritdoc />
    public override string Name => "ddpg";

    OffPolicyParts Build() => DeterministicPolicyParts.Build("ddpg", this, 1, new Td3StepSettings(Options.Tau, 1, 0, 0));
}
