using PolicyGradient.Policies;

namespace PolicyGradient.Algorithms.OnPolicy;

/// <summary>One dense layer y = x·Wᵀ + b: W [Outputs, Inputs] row-major and b [Outputs] at these offsets of the flat buffer.</summary>
internal readonly record struct DenseLayer(int WeightOffset, int BiasOffset, int Inputs, int Outputs);

/// <summary>
/// The one description of an MLP actor-critic: every dense layer as offsets into its flat parameter
/// buffer — a shared trunk (empty unless share_trunk), the actor and critic trunks, the action head
/// (logits or Gaussian mean), the value head — and log σ (−1 without one), with the activation and
/// the action kind. <see cref="FusedActorCritic"/> builds it once from the policy module's layers
/// (typed references, not names) while packing the flat buffer, whose layer groups its tensor forward
/// takes as views; <see cref="NativeActorCritic"/> computes on these offsets where <see cref="SupportsNative"/>.
/// </summary>
internal sealed record ActorCriticLayout(DenseLayer[] Shared, DenseLayer[] Pi, DenseLayer[] Vf, DenseLayer Head, DenseLayer Value,
    int LogStdOffset, Activation Activation, ActionKind ActionKind, bool PlainFeatures, int InputSize, int ParameterCount)
{
    /// <summary>Widest layer input or output (scratch row width).</summary>
    public int MaxWidth => Shared.Concat(Pi).Concat(Vf).Append(Head).Append(Value)
        .Max(l => Math.Max(l.Inputs, l.Outputs));

    /// <summary>True for a Box action space: a diagonal Gaussian head with log σ at <see cref="LogStdOffset"/>.</summary>
    public bool Gaussian => ActionKind == ActionKind.Box;

    /// <summary>
    /// Whether the native kernels compute this network: tanh or ReLU, Discrete or Box actions, and
    /// observations fed as they are (Box; no one-hot encoding).
    /// </summary>
    public bool SupportsNative => Activation is Activation.Tanh or Activation.ReLU
        && ActionKind is ActionKind.Discrete or ActionKind.Box && PlainFeatures;
}
