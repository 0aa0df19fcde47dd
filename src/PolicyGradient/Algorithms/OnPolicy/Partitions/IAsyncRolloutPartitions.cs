namespace PolicyGradient.Algorithms.OnPolicy.Partitions;

/// <summary>
/// Rollout partitions in async mode (IMPALA-style, Espeholt et al. 2018): the workers keep producing
/// slices of T steps with the weights they last received and their own sampling noise, never waiting
/// for the learner's update; the learner publishes each new θ with its version and takes whatever
/// slices have arrived. Every slice carries the version that acted (<see cref="PartitionRollout.Version"/>),
/// so the learner can measure the policy lag, drop slices that are too stale and correct the rest
/// (V-trace for A2C, decoupled PPO clipping for PPO; docs/distributed.md). Not reproducible: which
/// slices make a batch depends on arrival order.
/// </summary>
internal interface IAsyncRolloutPartitions : IRolloutPartitions
{
    /// <summary>Makes θ of <paramref name="version"/> the weights every worker's next slice acts with; starts the workers on the first call.</summary>
    void Publish(long version, float[] theta, int steps);

    /// <summary>The next slice that arrived (from any worker), waiting for one if none has; throws what a worker threw.</summary>
    PartitionRollout Take();
}
