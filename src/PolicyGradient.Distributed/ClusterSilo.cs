using System.Net;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace PolicyGradient.Distributed;

/// <summary>
/// A worker host (<c>pg cluster silo</c>): an Orleans silo on 127.0.0.1 with development clustering —
/// the first silo is the primary, the others name it with <c>--primary</c> — or, with
/// <c>--membership redis://HOST:PORT</c>, Redis membership for several machines (docs/distributed.md).
/// </summary>
public static class ClusterSilo
{
    /// <summary>Builds (not starts) a silo host for cluster <paramref name="clusterId"/>.</summary>
    /// <param name="clusterId">Cluster id the learner names with --cluster.</param>
    /// <param name="siloPort">Silo-to-silo port.</param>
    /// <param name="gatewayPort">Port learners connect to (--gateways).</param>
    /// <param name="primary">The primary silo's silo port endpoint; null: this silo is the primary.</param>
    /// <param name="logLevel">Least level logged to the console.</param>
    /// <param name="membership">redis://HOST:PORT (<see cref="ClusterMembership"/>); null: development clustering with <paramref name="primary"/>.</param>
    /// <param name="address">Address advertised to the other silos and learners with Redis membership (default 127.0.0.1; a LAN address for several machines).</param>
    public static IHost Build(string clusterId, int siloPort, int gatewayPort, IPEndPoint? primary = null, LogLevel logLevel = LogLevel.Warning,
        string? membership = null, IPAddress? address = null)
    {
        if (membership is not null && primary is not null)
            throw new ArgumentException("--primary is for development clustering; with --membership redis://... the silos find each other through Redis: drop --primary");
        string? redis = membership is null ? null : ClusterMembership.RedisEndpoint(membership);
        if (string.IsNullOrWhiteSpace(clusterId)) throw new ArgumentException("--cluster-id is empty; name the cluster, e.g. --cluster-id dev");
        return Host.CreateDefaultBuilder()
            .ConfigureLogging(l => l.ClearProviders().AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(logLevel))
            .UseOrleans(silo =>
            {
                if (redis is null) silo.UseLocalhostClustering(siloPort, gatewayPort, primary, DistributedProtocol.ServiceId, clusterId);
                else
                {
                    silo.UseRedisClustering(o => o.ConfigurationOptions = ClusterMembership.RedisOptions(redis));
                    silo.Configure<ClusterOptions>(o => { o.ClusterId = clusterId; o.ServiceId = DistributedProtocol.ServiceId; });
                    silo.ConfigureEndpoints(ClusterMembership.Advertised(address), siloPort, gatewayPort, listenOnAnyHostAddress: address is not null);
                }
                // A rollout of many steps can take longer than Orleans' default 30 s response timeout.
                silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromMinutes(10));
                // Failure detection in seconds, not Orleans' default of about a minute, yet robust on a starved
                // machine (docs/distributed.md, "Fault handling", bench/scripts/cluster-detect.sh): probes start
                // with a 2 s timeout that Orleans adapts (1-8 s) to the answer times seen and extends while the
                // prober itself is starved; a silo is suspected after 3 missed probes and declared dead on 2 votes
                // (Orleans asks at most half the active silos: 1 in a cluster of 2, so one starved voter cannot
                // evict a live silo from a larger cluster). Measured on 2 cores at load 30-58: a kill -9 is
                // declared dead in 3-12 s, a silo paused (SIGSTOP) for 24 s is not, one paused for 45 s is.
                silo.Configure<ClusterMembershipOptions>(o =>
                {
                    o.ProbeTimeout = TimeSpan.FromSeconds(2);
                    o.NumMissedProbesLimit = 3;
                    o.NumVotesForDeathDeclaration = 2;
                    o.TableRefreshTimeout = TimeSpan.FromSeconds(2);
                });
            })
            .Build();
    }
}
