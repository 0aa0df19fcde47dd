namespace PolicyGradient.Algorithms.OnPolicy.Partitions;

/// <summary>
/// The seam between the on-policy core and rollouts collected elsewhere (a cluster's worker grains,
/// PolicyGradient.Distributed): the env copies 0..N−1 are split into contiguous partitions, each
/// stepping its own copies with a copy of θ. The learner keeps drawing the sampling noise of the
/// whole rollout from its generator and hands each partition its columns, so the result equals the
/// in-process rollout bit for bit. Without partitions <see cref="OnPolicyCore"/> steps its own vector env.
/// </summary>
internal interface IRolloutPartitions : IDisposable
{
    /// <summary>Number of partitions (workers).</summary>
    int Count { get; }

    /// <summary>
    /// Runs one rollout of <paramref name="steps"/> steps on every partition with θ of
    /// <paramref name="version"/> and <paramref name="noise"/>[p] (partition p's noise, step-major);
    /// returns the partitions' results in env order.
    /// </summary>
    IReadOnlyList<PartitionRollout> Collect(long version, float[] theta, IReadOnlyList<float[]> noise, int steps);

    /// <summary>Writes every partition's env state (for a checkpoint).</summary>
    void SaveState(BinaryWriter writer);

    /// <summary>Restores what <see cref="SaveState"/> wrote, on partitions built the same way.</summary>
    void LoadState(BinaryReader reader);
}
