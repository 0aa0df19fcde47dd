using PolicyGradient.Algorithms.OnPolicy.Partitions;

namespace PolicyGradient.Distributed;

/// <summary>
/// The learner's rollout partitions on a cluster (sync mode): worker grain p holds copies
/// [p·m, (p+1)·m); each iteration every worker gets the weight blob and its noise columns, and the
/// learner waits for all of them (docs/distributed.md, "One sync iteration"). A worker whose call
/// fails (its silo died) is re-created on a live silo and its request re-sent with the same weights
/// and noise; the other workers' slices are kept, so no step is collected or counted twice.
/// </summary>
/// <param name="workers">The run's worker grains.</param>
/// <param name="recreated">Called with p after this object re-created worker p (async mode restarts p's requests).</param>
internal sealed class RemotePartitions(WorkerPool workers, Action<int>? recreated = null) : IRolloutPartitions
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
        long sent = System.Diagnostics.Stopwatch.GetTimestamp();
        var slice = await WithRetry(p, "Rollout", w => w.Rollout(request));
        workers.Arrived(p, slice, sent);
        return slice;
    }

    /// <summary>
    /// <paramref name="call"/> on worker p; when p's silo is declared dead (or the call fails), p is
    /// re-created on a live silo and the call made again on the new worker.
    /// </summary>
    async Task<T> WithRetry<T>(int p, string what, Func<IRolloutWorkerGrain, Task<T>> call)
    {
        while (true)
        {
            int generation = workers.Generation(p);
            try { return await workers.Guard(p, what, call); }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // throws once replacements run out; false: another call already replaced it
                if (await Task.Run(() => workers.Recreate(p, generation, e))) recreated?.Invoke(p);
            }
        }
    }

    /// <summary>
    /// Every worker's env state, for the learner's checkpoint. A worker whose silo died since the last
    /// rollout is re-created first (re-seeded copies, as a rollout would), so a checkpoint never waits
    /// for a dead silo: it stores the copies the run continues with.
    /// </summary>
    public void SaveState(BinaryWriter writer)
    {
        foreach (var state in Task.WhenAll(Enumerable.Range(0, workers.Count).Select(p => WithRetry(p, "SaveState", w => w.SaveState()))).GetAwaiter().GetResult())
        {
            writer.Write(state.Length);
            writer.Write(state);
        }
    }

    public void LoadState(BinaryReader reader)
    {
        var states = Enumerable.Range(0, workers.Count).Select(_ => reader.ReadBytes(reader.ReadInt32())).ToArray();
        Task.WhenAll(Enumerable.Range(0, workers.Count).Select(p => WithRetry(p, "LoadState", async w => { await w.LoadState(states[p]); return true; })))
            .GetAwaiter().GetResult();
    }

    public void Dispose()
    {
        // Best effort: a worker whose silo is gone is collected by Orleans anyway.
        workers.StopWatching();
        try { Task.WhenAll(workers.All.Select(w => w.Stop())).Wait(TimeSpan.FromSeconds(10)); }
        catch (AggregateException) { }
    }
}
