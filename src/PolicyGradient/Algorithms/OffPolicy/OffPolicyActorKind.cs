namespace PolicyGradient.Algorithms.OffPolicy;

/// <summary>How an off-policy actor's network output becomes an action.</summary>
internal enum OffPolicyActorKind
{
    /// <summary>SAC: output (μ, log σ); a = tanh(μ + σε), the mode tanh(μ).</summary>
    SquashedGaussian,

    /// <summary>TD3 and DDPG: a = tanh(output), exploration comes from the action noise.</summary>
    Deterministic,

    /// <summary>Discrete SAC: output logits; a ~ softmax, the mode argmax.</summary>
    Categorical,
}
