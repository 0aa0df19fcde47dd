namespace PolicyGradient.Algorithms.OnPolicy.Partitions;

/// <summary>
/// One partition's part of a rollout: T steps of its m env copies, everything the learner writes
/// into its <see cref="Buffers.RolloutBuffer"/> for those columns. Arrays are step-major
/// ([T × m] rows, copy j of step t at t·m + j); observations are the raw s_t each step started from.
/// </summary>
internal sealed class PartitionRollout
{
    /// <summary>Steps T.</summary>
    public int Steps { get; init; }

    /// <summary>Env copies m of the partition.</summary>
    public int Envs { get; init; }

    /// <summary>Policy version (learner update count) of the weights that acted.</summary>
    public long Version { get; init; }

    /// <summary>s_t, [T × m × obs].</summary>
    public float[] Observations { get; init; } = [];

    /// <summary>Sampled (unclipped) actions, [T × m × act].</summary>
    public float[] Actions { get; init; } = [];

    /// <summary>log π(a_t | s_t), [T × m].</summary>
    public float[] LogProbs { get; init; } = [];

    /// <summary>V(s_t), [T × m].</summary>
    public float[] Values { get; init; } = [];

    /// <summary>Raw rewards r_t, [T × m].</summary>
    public double[] Rewards { get; init; } = [];

    /// <summary>Terminated flags, [T × m].</summary>
    public bool[] Terminated { get; init; } = [];

    /// <summary>Truncated flags, [T × m].</summary>
    public bool[] Truncated { get; init; } = [];

    /// <summary>V(final observation) where truncated and not terminated (else 0), [T × m].</summary>
    public float[] FinalValues { get; init; } = [];

    /// <summary>V(s_T), [m]: the bootstrap that closes the rollout.</summary>
    public float[] LastValues { get; init; } = [];

    /// <summary>s_T, [m × obs]: where the rollout stopped (an async learner re-evaluates V(s_T) with its own critic).</summary>
    public float[] LastObservations { get; init; } = [];

    /// <summary>Index t·m + j of each episode that ended with statistics, in step then copy order.</summary>
    public int[] EpisodeAt { get; init; } = [];

    /// <summary>Returns of those episodes.</summary>
    public double[] EpisodeReturns { get; init; } = [];

    /// <summary>Lengths of those episodes.</summary>
    public int[] EpisodeLengths { get; init; } = [];
}
