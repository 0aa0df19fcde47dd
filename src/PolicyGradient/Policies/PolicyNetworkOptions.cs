namespace PolicyGradient.Policies;

/// <summary>
/// Shape and initialization of an <see cref="ActorCriticPolicy"/>. Defaults are SB3's
/// <c>ActorCriticPolicy</c> defaults (also CleanRL's ppo.py).
/// </summary>
public sealed record PolicyNetworkOptions
{
    /// <summary>Hidden sizes of the policy and value networks; default [64, 64] each.</summary>
    public NetArch NetArch { get; init; } = NetArch.Default;

    /// <summary>Hidden nonlinearity; default tanh.</summary>
    public Activation Activation { get; init; } = Activation.Tanh;

    /// <summary>
    /// When true, policy and value heads sit on one trunk with the sizes of <see cref="NetArch"/>.Pi
    /// (A2C/PPO on Atari style); default false (separate networks, SB3's default for MLPs).
    /// </summary>
    public bool ShareTrunk { get; init; }

    /// <summary>
    /// Removed (kept so the key gives a clear error): true is rejected. The training path always keeps
    /// actor and critic in one flat parameter buffer and, with equal hidden sizes, evaluates them
    /// together (stacked batched matmuls on libtorch, one pass of the native kernels), so a separate
    /// fused module has no value left. Default false.
    /// </summary>
    public bool FuseNetworks { get; init; }

    /// <summary>Orthogonal initialization with zero biases; default true (SB3 ortho_init=True).</summary>
    public bool OrthoInit { get; init; } = true;

    /// <summary>Gain of the hidden layers; default √2.</summary>
    public double HiddenGain { get; init; } = Math.Sqrt(2.0);

    /// <summary>Gain of the action head; default 0.01 (near-uniform / near-zero-mean initial policy).</summary>
    public double PolicyHeadGain { get; init; } = 0.01;

    /// <summary>Gain of the value head; default 1.0.</summary>
    public double ValueHeadGain { get; init; } = 1.0;

    /// <summary>Initial value of the state-independent log σ for Box actions; default 0.0 (σ = 1).</summary>
    public double LogStdInit { get; init; }
}
