using PolicyGradient.Policies;

namespace PolicyGradient.Algorithms.OnPolicy;

/// <summary>One dense layer y = x·Wᵀ + b: W [Outputs, Inputs] row-major and b [Outputs] at these offsets of the flat buffer.</summary>
internal readonly record struct DenseLayer(int WeightOffset, int BiasOffset, int Inputs, int Outputs);

/// <summary>
/// The shape of an MLP actor-critic as offsets into its flat parameter buffer: a shared trunk
/// (empty unless share_trunk), the actor and critic trunks, the action head (logits or Gaussian
/// mean), the value head, and log σ (−1 for discrete actions). Built by
/// <see cref="FusedActorCritic.NativeLayout"/>; computed on by <see cref="NativeActorCritic"/>.
/// </summary>
internal sealed record NativeLayout(DenseLayer[] Shared, DenseLayer[] Pi, DenseLayer[] Vf, DenseLayer Head, DenseLayer Value,
    int LogStdOffset, Activation Activation, bool Gaussian, int InputSize, int ParameterCount)
{
    /// <summary>Widest layer input or output (scratch row width).</summary>
    public int MaxWidth => Shared.Concat(Pi).Concat(Vf).Append(Head).Append(Value)
        .Max(l => Math.Max(l.Inputs, l.Outputs));
}
