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
                // Failure detection in seconds, not Orleans' default of about a minute: a killed silo is
                // declared dead after 2 missed 1-second probes by one voter (loopback and LAN settings;
                // raise them for a lossy network), and the learner re-creates its workers (WorkerPool).
                silo.Configure<ClusterMembershipOptions>(o =>
                {
                    o.ProbeTimeout = TimeSpan.FromSeconds(1);
                    o.NumMissedProbesLimit = 2;
                    o.NumVotesForDeathDeclaration = 1;
                    o.TableRefreshTimeout = TimeSpan.FromSeconds(2);
                    if (Environment.GetEnvironmentVariable("PG_PROBE") is { } probe) // TEMP measurement: "timeout_s,misses,votes"
                    {
                        var v = probe.Split(',');
                        o.ProbeTimeout = TimeSpan.FromSeconds(double.Parse(v[0], System.Globalization.CultureInfo.InvariantCulture));
                        o.NumMissedProbesLimit = int.Parse(v[1], System.Globalization.CultureInfo.InvariantCulture);
                        o.NumVotesForDeathDeclaration = int.Parse(v[2], System.Globalization.CultureInfo.InvariantCulture);
                    }
                });
            })
            .Build();
    }
}
