using System.Net;

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

    /// <summary>The address a silo advertises: <paramref name="address"/>, or 127.0.0.1.</summary>
    public static IPAddress Advertised(IPAddress? address) => address ?? IPAddress.Loopback;
}
