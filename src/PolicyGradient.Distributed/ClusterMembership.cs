using System.Net;
using StackExchange.Redis;

namespace PolicyGradient.Distributed;

/// <summary>
/// Where a cluster keeps its membership table. Without <c>--membership</c>: Orleans' development
/// clustering (the primary silo holds it; one machine). With <c>--membership redis://HOST:PORT</c>:
/// a Redis server (Microsoft.Orleans.Clustering.Redis), so silos on several machines find each other
/// and learners find the gateways without --gateways.
/// </summary>
public static class ClusterMembership
{
    /// <summary>The Redis connection string ("HOST:PORT") of a <c>redis://HOST:PORT</c> membership.</summary>
    /// <exception cref="ArgumentException">Not redis://HOST:PORT.</exception>
    public static string RedisEndpoint(string membership)
    {
        const string scheme = "redis://";
        string rest = membership.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) ? membership[scheme.Length..].TrimEnd('/') : "";
        int colon = rest.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(rest[(colon + 1)..], out int port) || port is < 1 or > 65535)
            throw new ArgumentException($"--membership {membership} is not redis://HOST:PORT; e.g. --membership redis://127.0.0.1:6379");
        return rest;
    }

    /// <summary>
    /// How long one Redis operation (connect, read or write of the membership table) may take before it
    /// fails. StackExchange.Redis' default is 5 s. On loopback or a LAN Redis answers in well under a
    /// millisecond, so what exceeds 5 s is a CPU-starved process (measured: a whole `pg cluster status`
    /// process through Redis took 4.6–17 s of wall time at load average 20–31 with a run training on
    /// the same silos, bench/scripts/redis-connect.sh). A Redis that is down or a wrong port is refused at once and
    /// still fails at once (the first connection must succeed, AbortOnConnectFail).
    /// </summary>
    public static readonly TimeSpan RedisTimeout = TimeSpan.FromSeconds(15);

    /// <summary>The StackExchange.Redis options of a membership endpoint "HOST:PORT": <see cref="RedisTimeout"/> for connect and operations.</summary>
    public static ConfigurationOptions RedisOptions(string endpoint)
    {
        var options = ConfigurationOptions.Parse(endpoint);
        int ms = (int)RedisTimeout.TotalMilliseconds;
        options.ConnectTimeout = ms;
        options.SyncTimeout = ms;
        options.AsyncTimeout = ms;
        options.AbortOnConnectFail = true;
        return options;
    }

    /// <summary>The address a silo advertises: <paramref name="address"/>, or 127.0.0.1.</summary>
    public static IPAddress Advertised(IPAddress? address) => address ?? IPAddress.Loopback;
}
