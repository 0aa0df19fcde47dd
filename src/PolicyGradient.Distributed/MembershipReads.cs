namespace PolicyGradient.Distributed;

/// <summary>
/// Reads of the cluster's membership that one frozen or dying gateway cannot hold up. The management
/// grain (and pg's handshake grain) is a stateless worker: a client's call runs on the gateway silo it
/// is sent through, and an Orleans client sends every call to one grain id through the same gateway
/// (the id's hash picks a bucket, and the bucket keeps its gateway connection while that connection is
/// open). A silo that is paused (SIGSTOP, a hung or starved process) keeps its sockets open, so calls
/// routed through it neither answer nor fail. A read therefore asks under <see cref="Routes"/> keys at
/// once — different ids, different buckets, whose gateways the client assigns round robin — and takes
/// the first answer.
/// </summary>
internal static class MembershipReads
{
    /// <summary>Keys asked at once (each a separate route through the client's gateway buckets).</summary>
    public const int Routes = 4;

    /// <summary>The silos and their status as the first answering gateway silo sees them.</summary>
    /// <exception cref="TimeoutException">No route answered within <paramref name="timeout"/>.</exception>
    public static Task<Dictionary<SiloAddress, SiloStatus>> Hosts(IGrainFactory grains, bool onlyActive, TimeSpan timeout, CancellationToken cancel = default) =>
        First(k => grains.GetGrain<IManagementGrain>(k).GetHosts(onlyActive), timeout, "the cluster's membership", cancel);

    /// <summary>The membership entries (silo, status, gateway port) as the first answering gateway silo sees them.</summary>
    /// <exception cref="TimeoutException">No route answered within <paramref name="timeout"/>.</exception>
    public static Task<MembershipEntry[]> Entries(IGrainFactory grains, TimeSpan timeout, CancellationToken cancel = default) =>
        First(k => grains.GetGrain<IManagementGrain>(k).GetDetailedHosts(onlyActive: false), timeout, "the cluster's membership", cancel);

    /// <summary>
    /// <paramref name="ask"/> under keys 0..<see cref="Routes"/>−1 at once; the first successful answer.
    /// Late answers are dropped, failures observed.
    /// </summary>
    /// <exception cref="TimeoutException">No key answered within <paramref name="timeout"/>; the message names <paramref name="what"/>.</exception>
    public static async Task<T> First<T>(Func<int, Task<T>> ask, TimeSpan timeout, string what, CancellationToken cancel = default)
    {
        var asks = Enumerable.Range(0, Routes).Select(ask).ToList();
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        var expiry = Task.Delay(timeout, timer.Token);
        Exception? failure = null;
        try
        {
            while (asks.Count > 0)
            {
                var done = await Task.WhenAny([.. asks, expiry]).ConfigureAwait(false);
                cancel.ThrowIfCancellationRequested();
                if (done == expiry) break;
                var answer = (Task<T>)done;
                asks.Remove(answer);
                if (answer.IsCompletedSuccessfully) return answer.Result;
                failure = answer.Exception?.GetBaseException();   // a route that failed (its gateway closed): the others may still answer
            }
        }
        finally
        {
            timer.Cancel();
            foreach (var a in asks) _ = a.ContinueWith(t => _ = t.Exception, TaskScheduler.Default);
        }
        throw asks.Count == 0 && failure is not null
            ? new TimeoutException($"{what} did not answer through any gateway ({failure.GetType().Name}: {failure.Message.Split('\n')[0].Trim()})", failure)
            : new TimeoutException($"{what} did not answer through any gateway within {timeout.TotalSeconds:0} s");
    }
}
