using Orleans.Runtime.Placement;

namespace PolicyGradient.Distributed;

/// <summary>
/// Puts each worker of a run on a chosen silo: the learner reads the cluster's active silos and gives
/// worker p silo p mod S (a replacement: the live silo with the fewest of the run's workers), passed to
/// Orleans as the placement hint of the call that activates the grain. Orleans' load-based placement
/// decides from silo statistics that arrive every few seconds, so workers started together all went to
/// the silo that looked least loaded at that moment (often one silo for the whole run).
/// </summary>
internal static class WorkerPlacement
{
    /// <summary>How long a read of the membership may take before it counts as failed (a call to a dead silo is otherwise not failed before the 10-minute response timeout).</summary>
    public static readonly TimeSpan MembershipTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The cluster's active silos, in address order (the same order for every learner).</summary>
    /// <exception cref="TimeoutException">The membership did not answer within <see cref="MembershipTimeout"/>.</exception>
    public static SiloAddress[] ActiveSilos(IGrainFactory grains)
    {
        var hosts = MembershipReads.Hosts(grains, onlyActive: true, MembershipTimeout).GetAwaiter().GetResult();
        return hosts.Where(h => h.Value == SiloStatus.Active).Select(h => h.Key)
            .OrderBy(s => s.ToString(), StringComparer.Ordinal).ToArray();
    }

    /// <summary>Silo of worker <paramref name="p"/> when starting a run: round robin, so the silos' worker counts differ by at most one.</summary>
    public static SiloAddress? Initial(SiloAddress[] active, int p) => active.Length == 0 ? null : active[p % active.Length];

    /// <summary>The active silo hosting the fewest of <paramref name="occupied"/> (silo identities of the run's other workers); ties: address order.</summary>
    public static SiloAddress? LeastUsed(SiloAddress[] active, IEnumerable<string?> occupied)
    {
        var counts = occupied.Where(o => o is not null).GroupBy(o => o!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        return active.OrderBy(s => counts.GetValueOrDefault(s.ToString())).FirstOrDefault();
    }

    /// <summary>
    /// Invokes <paramref name="call"/> with <paramref name="silo"/> as Orleans' placement hint (used only
    /// if the call activates the grain, and only while that silo is compatible; else Orleans places it).
    /// </summary>
    public static Task<T> On<T>(SiloAddress? silo, Func<Task<T>> call)
    {
        if (silo is null) return call();
        RequestContext.Set(IPlacementDirector.PlacementHintKey, silo);
        try { return call(); }
        finally { RequestContext.Remove(IPlacementDirector.PlacementHintKey); }
    }
}
