using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Messaging;

namespace PolicyGradient.Distributed;

/// <summary>A learner's connection to a cluster's gateways; dispose to disconnect.</summary>
public sealed class ClusterClient : IDisposable
{
    readonly IHost _host;

    ClusterClient(IHost host) => _host = host;

    /// <summary>Grain factory of the connection.</summary>
    public IGrainFactory Grains => _host.Services.GetRequiredService<IClusterClient>();

    /// <summary>
    /// Connects to cluster <paramref name="clusterId"/> through <paramref name="gateways"/>, giving up
    /// after <paramref name="timeout"/> with one clear message (unreachable gateway, wrong cluster id).
    /// </summary>
    /// <exception cref="ClusterConnectionException">No gateway of that cluster answered in time.</exception>
    public static ClusterClient Connect(string clusterId, IReadOnlyList<IPEndPoint> gateways, TimeSpan timeout) =>
        ConnectAs(clusterId, gateways, timeout, DistributedProtocol.Version);

    /// <summary>
    /// Connects through a membership table (<see cref="ClusterMembership"/>, redis://HOST:PORT): the
    /// gateways are the silos the table lists; <paramref name="gateways"/> is ignored there.
    /// </summary>
    /// <exception cref="ClusterConnectionException">No silo of that cluster answered in time, or it runs another protocol version.</exception>
    public static ClusterClient Connect(string clusterId, IReadOnlyList<IPEndPoint> gateways, TimeSpan timeout, string? membership) =>
        ConnectAs(clusterId, gateways, timeout, DistributedProtocol.Version, membership);

    /// <summary>
    /// <see cref="Status()"/> through each gateway on its own, all at once (one connection per gateway); the first
    /// status read counts. An Orleans client's start-up asks one gateway, picked at random, for the cluster's type
    /// manifest and waits for it, so a gateway that accepts connections and never answers (a frozen silo) made about
    /// half the connections through a list of gateways time out; and a silo that was declared dead while frozen still
    /// answers connections for half a minute after it resumes, but not membership reads. For <c>pg cluster status</c>;
    /// a learner keeps every gateway in one client (it must outlive a gateway).
    /// </summary>
    /// <exception cref="ClusterConnectionException">No gateway answered in time, or a silo runs another protocol version.</exception>
    /// <exception cref="TimeoutException">Connections answered, but no membership read did.</exception>
    public static ClusterStatus StatusAny(string clusterId, IReadOnlyList<IPEndPoint> gateways, TimeSpan connectTimeout)
    {
        var attempts = gateways.Select(g => Task.Run(() =>
        {
            using var client = Connect(clusterId, [g], connectTimeout);
            return client.Status();
        })).ToList();
        Exception? failure = null;
        while (attempts.Count > 0)
        {
            var done = Task.WhenAny(attempts).GetAwaiter().GetResult();
            attempts.Remove(done);
            if (done.IsCompletedSuccessfully)
            {
                foreach (var other in attempts) _ = other.ContinueWith(t => _ = t.Exception, TaskScheduler.Default);
                return done.Result;
            }
            var e = done.Exception!.GetBaseException();
            // The most telling failure: another build, then a read that timed out (a silo answered), then a connection.
            if (failure is null || e.Message.StartsWith("version mismatch", StringComparison.Ordinal)
                || (e is TimeoutException && failure is ClusterConnectionException && !failure.Message.StartsWith("version mismatch", StringComparison.Ordinal))) failure = e;
        }
        if (gateways.Count > 1 && failure is ClusterConnectionException && !failure.Message.StartsWith("version mismatch", StringComparison.Ordinal))
            throw new ClusterConnectionException($"cannot reach cluster '{clusterId}' through {string.Join(",", gateways.Select(g => g.ToString()))} within {connectTimeout.TotalSeconds:0} s (no gateway of that cluster answered); check that `pg cluster silo --cluster-id {clusterId}` runs there and that the gateway ports are right");
        throw failure!;
    }

    /// <summary>As <see cref="Connect(string, IReadOnlyList{IPEndPoint}, TimeSpan)"/>, expecting silos of <paramref name="protocol"/> (tests pretend to be another build).</summary>
    /// <exception cref="ClusterConnectionException">No gateway answered in time, or the silo runs another protocol version.</exception>
    internal static ClusterClient ConnectAs(string clusterId, IReadOnlyList<IPEndPoint> gateways, TimeSpan timeout, string protocol, string? membership = null)
    {
        string? redis = membership is null ? null : ClusterMembership.RedisEndpoint(membership);
        if (gateways.Count == 0 && redis is null) throw new ArgumentException("no gateway given; pass --gateways HOST:PORT[,HOST:PORT...] or --membership redis://HOST:PORT");
        var host = Host.CreateDefaultBuilder()
            .ConfigureLogging(l => l.ClearProviders())
            .UseOrleansClient(c =>
            {
                if (redis is null)
                {
                    // The static list minus the gateways of silos declared dead (LiveGatewayList), read every second.
                    c.UseStaticClustering(gateways.ToArray());
                    c.Services.AddSingleton<LiveGatewayList>();
                    c.Services.AddSingleton<IGatewayListProvider>(sp => sp.GetRequiredService<LiveGatewayList>());
                    c.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = LiveGatewayList.RefreshPeriod);
                }
                else c.UseRedisClustering(o => o.ConfigurationOptions = ClusterMembership.RedisOptions(redis));
                c.Configure<ClusterOptions>(o => { o.ClusterId = clusterId; o.ServiceId = DistributedProtocol.ServiceId; });
                c.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromMinutes(10));
            })
            .Build();
        string where = redis is null ? string.Join(",", gateways.Select(g => g.ToString())) : membership!;
        try
        {
            using var cancel = new CancellationTokenSource(timeout);
            host.StartAsync(cancel.Token).GetAwaiter().GetResult();
            // A gateway of another cluster may accept the socket; a first call proves the cluster answers,
            // and is the handshake: the silo's protocol version must be the learner's.
            // Asked on several routes (MembershipReads): a frozen gateway among the given ones does not hold it up.
            var client = host.Services.GetRequiredService<IClusterClient>();
            string theirs = MembershipReads.First(k => client.GetGrain<IProtocolGrain>(k).Protocol(), Timeout.InfiniteTimeSpan, "the handshake", cancel.Token)
                .GetAwaiter().GetResult();
            if (theirs != protocol)
            {
                host.Dispose();
                throw new ClusterConnectionException($"version mismatch: this pg runs PolicyGradient.Distributed {protocol}, the silos of cluster '{clusterId}' at {where} run {theirs}; run the same pg build on every machine");
            }
            return new ClusterClient(host);
        }
        catch (ClusterConnectionException) { throw; }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            host.Dispose();
            string why = e is OperationCanceledException ? "no gateway of that cluster answered" : $"{e.GetType().Name}: {FirstLine(e.Message)}";
            throw new ClusterConnectionException($"cannot reach cluster '{clusterId}' through {where} within {timeout.TotalSeconds:0} s ({why}); check that `pg cluster silo --cluster-id {clusterId}` runs there and that the gateway ports are right");
        }
    }

    /// <summary>How long the reads of <see cref="Status()"/> may take (the membership and the worker directory, asked at once).</summary>
    public static readonly TimeSpan StatusReadTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The cluster's silos (address and membership status) and its workers' last reports, read at once and bounded
    /// by <see cref="StatusReadTimeout"/>: a silo that is frozen (its sockets open, nothing answered) holds up neither.
    /// </summary>
    /// <exception cref="TimeoutException">The membership did not answer through any gateway in time.</exception>
    public ClusterStatus Status() => Status(StatusReadTimeout);

    /// <summary>As <see cref="Status()"/> with the reads bounded by <paramref name="timeout"/>.</summary>
    /// <exception cref="TimeoutException">The membership did not answer through any gateway in time.</exception>
    public ClusterStatus Status(TimeSpan timeout)
    {
        // One activation holds the directory; on a frozen silo it does not answer, and the silos are still worth printing.
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var list = Grains.GetGrain<IWorkerDirectoryGrain>(0).List();
        try
        {
            var hosts = MembershipReads.Hosts(Grains, onlyActive: false, timeout).GetAwaiter().GetResult();
            var silos = hosts.OrderBy(h => h.Key.ToString(), StringComparer.Ordinal).Select(h => (h.Key.ToString(), h.Value.ToString())).ToArray();
            var left = timeout - System.Diagnostics.Stopwatch.GetElapsedTime(started);
            bool answered;
            try { answered = list.Wait(left > TimeSpan.Zero ? left : TimeSpan.Zero); }
            catch (AggregateException) { answered = false; }   // the directory's silo died under the call
            return new ClusterStatus(silos, answered ? list.Result : [], answered);
        }
        finally { _ = list.ContinueWith(t => _ = t.Exception, TaskScheduler.Default); }
    }

    static string FirstLine(string s) => s.Split('\n')[0].Trim();

    /// <inheritdoc />
    public void Dispose()
    {
        try { _host.StopAsync(TimeSpan.FromSeconds(5)).GetAwaiter().GetResult(); }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException) { }
        _host.Dispose();
    }
}

/// <summary>What <c>pg cluster status</c> prints: the silos (address, membership status) and the workers' last reports.</summary>
/// <param name="Silos">Every silo the membership lists, in address order.</param>
/// <param name="Workers">The worker directory's entries (empty when it did not answer).</param>
/// <param name="WorkersAnswered">False when the worker directory did not answer in time (its silo frozen or dying).</param>
public sealed record ClusterStatus(IReadOnlyList<(string Address, string Status)> Silos, IReadOnlyList<WorkerStatus> Workers, bool WorkersAnswered)
{
    /// <summary>Silos and workers.</summary>
    public void Deconstruct(out IReadOnlyList<(string Address, string Status)> silos, out IReadOnlyList<WorkerStatus> workers) => (silos, workers) = (Silos, Workers);
}

/// <summary>A learner could not connect to its cluster; the message says where and what to check.</summary>
public sealed class ClusterConnectionException(string message) : Exception(message);
