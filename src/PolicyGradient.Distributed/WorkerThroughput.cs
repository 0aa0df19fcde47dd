using System.Diagnostics;

namespace PolicyGradient.Distributed;

/// <summary>
/// Each worker's throughput as the learner sees it, end to end: env steps of a slice per second from
/// the moment its request was sent (or its previous slice arrived, when requests were queued, async)
/// to the moment the slice arrived — the weight blob's trip, the env stepping, the forward passes and
/// the slice's trip back. Reported to the worker directory with the worker's own env-stepping rate,
/// so <c>pg cluster status</c> shows both and their gap is the messaging.
/// </summary>
internal sealed class WorkerThroughput(IGrainFactory grains, int workers)
{
    readonly long[] _lastArrival = new long[workers];

    /// <summary>Records the arrival of worker p's slice to a request sent at <paramref name="sentTimestamp"/> (<see cref="Stopwatch.GetTimestamp"/>).</summary>
    public void Arrived(int p, string worker, string silo, RolloutSlice slice, long sentTimestamp)
    {
        long now = Stopwatch.GetTimestamp();
        long from;
        lock (_lastArrival)
        {
            from = Math.Max(sentTimestamp, _lastArrival[p]);
            _lastArrival[p] = now;
        }
        double seconds = Stopwatch.GetElapsedTime(from, now).TotalSeconds;
        double steps = (double)slice.Steps * slice.Envs;
        var status = new WorkerStatus(worker, silo, slice.Version, steps / Math.Max(seconds, 1e-9), DateTime.UtcNow)
        {
            EnvStepsPerSecond = slice.ComputeSeconds > 0 ? steps / slice.ComputeSeconds : 0,
        };
        _ = grains.GetGrain<IWorkerDirectoryGrain>(0).Report(status); // one-way: no rollout waits for it
    }
}
