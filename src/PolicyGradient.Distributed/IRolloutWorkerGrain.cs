namespace PolicyGradient.Distributed;

/// <summary>
/// A rollout worker: holds env copies [First, First + Count) of a run's vector env and a copy of the
/// policy weights tagged with a version, and steps them when the learner asks (sync mode). Keyed by
/// "run id/worker index".
/// </summary>
public interface IRolloutWorkerGrain : IGrainWithStringKey
{
    /// <summary>Builds and resets the env copies; returns where the worker runs.</summary>
    Task<WorkerInfo> Start(WorkerSetup setup);

    /// <summary>Sets the weights and runs one rollout on the given noise.</summary>
    Task<RolloutSlice> Rollout(RolloutRequest request);

    /// <summary>The env copies' complete state (for the learner's checkpoint).</summary>
    Task<byte[]> SaveState();

    /// <summary>Restores a state from <see cref="SaveState"/>.</summary>
    Task LoadState(byte[] state);

    /// <summary>Releases the env copies and deactivates.</summary>
    Task Stop();
}
