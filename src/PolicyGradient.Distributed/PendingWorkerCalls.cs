using System.Collections.Concurrent;
using System.Diagnostics;

namespace PolicyGradient.Distributed;

/// <summary>
/// The learner's worker calls that have not answered yet (which call, which grain, which silo, for how
/// long), so that a process that has to give up on a hanging cluster call can say which one it was
/// (<c>pg</c>'s stop watchdog prints <see cref="Describe"/>).
/// </summary>
public static class PendingWorkerCalls
{
    sealed record Entry(string What, string Grain, string Silo, long Started);

    static readonly ConcurrentDictionary<long, Entry> s_pending = new();
    static long s_next;

    /// <summary>Records a call; dispose the result when it answered or was given up.</summary>
    internal static IDisposable Track(string what, string grain, string silo)
    {
        long id = Interlocked.Increment(ref s_next);
        s_pending[id] = new Entry(what, grain, silo, Stopwatch.GetTimestamp());
        return new Done(id);
    }

    sealed class Done(long id) : IDisposable
    {
        public void Dispose() => s_pending.TryRemove(id, out _);
    }

    /// <summary>One line per pending call, oldest first: "Rollout to worker RUN/1.1 on S127.0.0.1:... for 12.3 s"; empty when none.</summary>
    public static IReadOnlyList<string> Describe() =>
        s_pending.Values.OrderBy(e => e.Started)
            .Select(e => $"{e.What} to worker {e.Grain} on {e.Silo} for {Stopwatch.GetElapsedTime(e.Started).TotalSeconds:0.0} s").ToArray();
}
