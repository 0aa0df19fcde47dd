using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using PolicyGradient.Distributed;

namespace PolicyGradient.Tests.Distributed;

/// <summary>Two silos in this process on free 127.0.0.1 ports (the primary and one that joins it), as `pg cluster silo` hosts them.</summary>
public sealed class LoopbackCluster : IDisposable
{
    readonly IHost[] _silos;

    public LoopbackCluster()
    {
        ClusterId = "test-" + Guid.NewGuid().ToString("N")[..8];
        var ports = FreePorts(4);
        var primary = ClusterSilo.Build(ClusterId, ports[0], ports[1]);
        primary.StartAsync().GetAwaiter().GetResult();
        var second = ClusterSilo.Build(ClusterId, ports[2], ports[3], new IPEndPoint(IPAddress.Loopback, ports[0]));
        second.StartAsync().GetAwaiter().GetResult();
        _silos = [primary, second];
        Gateways = [new IPEndPoint(IPAddress.Loopback, ports[1]), new IPEndPoint(IPAddress.Loopback, ports[3])];
    }

    public string ClusterId { get; }

    public IPEndPoint[] Gateways { get; }

    /// <summary>Ports nothing listens on right now (held together so they differ).</summary>
    public static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToArray();
        foreach (var l in listeners) l.Start();
        var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        foreach (var l in listeners) l.Stop();
        return ports;
    }

    public void Dispose()
    {
        foreach (var silo in _silos.Reverse())
        {
            silo.StopAsync(TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
            silo.Dispose();
        }
    }
}
