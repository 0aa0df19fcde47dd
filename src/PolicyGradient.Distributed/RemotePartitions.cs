using PolicyGradient.Algorithms.OnPolicy.Partitions;

namespace PolicyGradient.Distributed;

/// <summary>
/// The learner's rollout partitions on a cluster (sync mode): worker grain p holds copies
/// [p·m, (p+1)·m); each iteration every worker gets the weight blob and its noise columns, and the
/// learner waits for all of them (docs/distributed.md, "One sync iteration").
/// </summary>
internal sealed class RemotePartitions(IReadOnlyList<IRolloutWorkerGrain> workers) : IRolloutPartitions
{
    public int Count => workers.Count;

    public IReadOnlyList<PartitionRollout> Collect(long version, float[] theta, IReadOnlyList<float[]> noise, int steps)
    {
        var calls = workers.Select((w, p) => w.Rollout(new RolloutRequest { Version = version, Weights = theta, Noise = noise[p], Steps = steps }));
        return Task.WhenAll(calls).GetAwaiter().GetResult().Select(s => s.ToPartition()).ToArray();
    }

    public void SaveState(BinaryWriter writer)
    {
        foreach (var state in Task.WhenAll(workers.Select(w => w.SaveState())).GetAwaiter().GetResult())
        {
            writer.Write(state.Length);
            writer.Write(state);
        }
    }

    public void LoadState(BinaryReader reader)
    {
        var states = workers.Select(_ => reader.ReadBytes(reader.ReadInt32())).ToArray();
        Task.WhenAll(workers.Select((w, p) => w.LoadState(states[p]))).GetAwaiter().GetResult();
    }

    public void Dispose()
    {
        // Best effort: a worker whose silo is gone is collected by Orleans anyway.
        try { Task.WhenAll(workers.Select(w => w.Stop())).Wait(TimeSpan.FromSeconds(10)); }
        catch (AggregateException) { }
    }
}
