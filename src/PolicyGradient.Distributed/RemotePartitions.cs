using PolicyGradient.Algorithms.OnPolicy.Partitions;

namespace PolicyGradient.Distributed;

/// <summary>
/// The learner's rollout partitions on a cluster (sync mode): worker grain p holds copies
/// [p·m, (p+1)·m); each iteration every worker gets the weight blob and its noise columns, and the
/// learner waits for all of them (docs/distributed.md, "One sync iteration"). A worker whose call
/// fails (its silo died) is re-created on a live silo and its request re-sent with the same weights
/// and noise; the other workers' slices are kept, so no step is collected or counted twice.
/// </summary>
internal sealed class RemotePartitions(WorkerPool workers) : IRolloutPartitions
{
    public int Count => workers.Count;

    public IReadOnlyList<PartitionRollout> Collect(long version, float[] theta, IReadOnlyList<float[]> noise, int steps)
    {
        var calls = Enumerable.Range(0, workers.Count).Select(p =>
            RolloutWithRetry(p, new RolloutRequest { Version = version, Weights = theta, Noise = noise[p], Steps = steps }));
        return Task.WhenAll(calls).GetAwaiter().GetResult().Select(s => s.ToPartition()).ToArray();
    }

    async Task<RolloutSlice> RolloutWithRetry(int p, RolloutRequest request)
    {
        while (true)
        {
            int generation = workers.Generation(p);
            try { return await workers.Guard(p, workers[p].Rollout(request)); }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                await Task.Run(() => workers.Recreate(p, generation, e)); // throws once replacements run out; false: already replaced
            }
        }
    }

    public void SaveState(BinaryWriter writer)
    {
        foreach (var state in Task.WhenAll(workers.All.Select(w => w.SaveState())).GetAwaiter().GetResult())
        {
            writer.Write(state.Length);
            writer.Write(state);
        }
    }

    public void LoadState(BinaryReader reader)
    {
        var all = workers.All;
        var states = all.Select(_ => reader.ReadBytes(reader.ReadInt32())).ToArray();
        Task.WhenAll(all.Select((w, p) => w.LoadState(states[p]))).GetAwaiter().GetResult();
    }

    public void Dispose()
    {
        // Best effort: a worker whose silo is gone is collected by Orleans anyway.
        workers.StopWatching();
        try { Task.WhenAll(workers.All.Select(w => w.Stop())).Wait(TimeSpan.FromSeconds(10)); }
        catch (AggregateException) { }
    }
}
