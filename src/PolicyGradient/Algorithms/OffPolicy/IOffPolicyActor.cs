using TorchSharp;

namespace PolicyGradient.Algorithms.OffPolicy;

/// <summary>
/// The acting side of an off-policy actor: actions for a batch of observations in the policy's own
/// space — in [−1, 1] per dimension for Box actions (the algorithm rescales them to the bounds), the
/// action index (from 0) for Discrete ones. Random draws come from the generator passed in.
/// </summary>
internal interface IOffPolicyActor
{
    /// <summary>
    /// Writes actions [<paramref name="rows"/>, action size] for <paramref name="observations"/>
    /// [rows, observation size]: the policy's mode when <paramref name="deterministic"/>, else a sample.
    /// </summary>
    void Act(ReadOnlySpan<float> observations, int rows, Span<float> actions, bool deterministic, torch.Generator generator);
}
