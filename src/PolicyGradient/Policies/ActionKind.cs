using PolicyGradient.Environments.Spaces;
using static TorchSharp.torch;

namespace PolicyGradient.Policies;

/// <summary>The kind of action space a policy head serves; it picks the action distribution.</summary>
public enum ActionKind
{
    /// <summary>Discrete(n): <see cref="Categorical"/> over n logits.</summary>
    Discrete,

    /// <summary>MultiDiscrete(nvec): <see cref="MultiCategorical"/>, one categorical per component.</summary>
    MultiDiscrete,

    /// <summary>MultiBinary(n): <see cref="Bernoulli"/> per component.</summary>
    MultiBinary,

    /// <summary>Box: <see cref="DiagGaussian"/> with a state-independent log σ.</summary>
    Box,
}

/// <summary>The one mapping from action spaces to head sizes and action distributions (libtorch side).</summary>
public static class ActionDistributions
{
    /// <summary>The kind of <paramref name="space"/>, the component sizes (MultiDiscrete nvec, Discrete [n]) and the head width.</summary>
    /// <exception cref="ArgumentException">The space is not supported; the message names it and the fix.</exception>
    public static (ActionKind Kind, int[] Nvec, int HeadSize) Describe(Space space) => space switch
    {
        Discrete { Start: not 0 } d => throw new ArgumentException($"action space {d} has start != 0; wrap the env so actions start at 0", nameof(space)),
        Discrete d => (ActionKind.Discrete, new[] { d.N }, d.N),
        MultiDiscrete md => (ActionKind.MultiDiscrete, md.Nvec, md.Nvec.Sum()),
        MultiBinary mb => (ActionKind.MultiBinary, Array.Empty<int>(), mb.N),
        Box b => (ActionKind.Box, Array.Empty<int>(), b.FlatSize),
        _ => throw new ArgumentException($"action space {space} is not supported by ActorCriticPolicy (Discrete, MultiDiscrete, MultiBinary or Box)", nameof(space)),
    };

    /// <summary>
    /// The distribution of kind <paramref name="kind"/> for an action-head output (log σ for Box), with
    /// an optional action mask shaped like the head (true or 1 = allowed; Discrete and MultiDiscrete only).
    /// </summary>
    /// <exception cref="ArgumentException">A mask for a continuous or binary action space.</exception>
    public static IActionDistribution Create(ActionKind kind, Tensor head, int[] nvec, Tensor? logStd, Tensor? mask = null) => kind switch
    {
        ActionKind.Discrete => new Categorical(head, mask),
        ActionKind.MultiDiscrete => new MultiCategorical(head, nvec, mask),
        _ when mask is not null => throw new ArgumentException($"action masks apply to Discrete and MultiDiscrete action spaces, not {kind}", nameof(mask)),
        ActionKind.MultiBinary => new Bernoulli(head),
        _ => new DiagGaussian(head, logStd ?? throw new ArgumentNullException(nameof(logStd), "a Box policy needs its log σ")),
    };
}
