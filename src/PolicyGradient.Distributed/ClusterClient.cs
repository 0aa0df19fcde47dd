using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

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
    public static ClusterClient Connect(string clusterId, IReadOnlyList<IPEndPoint> gateways, TimeSpan timeout)
    {
        if (gateways.Count == 0) throw new ArgumentException("no gateway given; pass --gateways HOST:PORT[,HOST:PORT...]");
        var host = Host.CreateDefaultBuilder()
            .ConfigureLogging(l => l.ClearProviders())
            .UseOrleansClient(c =>
            {
                c.UseStaticClustering(gateways.ToArray());
                c.Configure<ClusterOptions>(o => { o.ClusterId = clusterId; o.ServiceId = DistributedProtocol.ServiceId; });
                c.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromMinutes(10));
            })
            .Build();
        string where = string.Join(",", gateways.Select(g => g.ToString()));
        try
        {
            using var cancel = new CancellationTokenSource(timeout);
            host.StartAsync(cancel.Token).GetAwaiter().GetResult();
            // A gateway of another cluster may accept the socket; a first call proves the cluster answers.
            var probe = host.Services.GetRequiredService<IClusterClient>().GetGrain<IRolloutWorkerGrain>("probe/" + Guid.NewGuid().ToString("N"));
            probe.Stop().WaitAsync(cancel.Token).GetAwaiter().GetResult();
            return new ClusterClient(host);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            host.Dispose();
            string why = e is OperationCanceledException ? "no gateway of that cluster answered" : $"{e.GetType().Name}: {FirstLine(e.Message)}";
            throw new ClusterConnectionException($"cannot reach cluster '{clusterId}' through {where} within {timeout.TotalSeconds:0} s ({why}); check that `pg cluster silo --cluster-id {clusterId}` runs there and that the gateway ports are right");
        }
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

/// <summary>A learner could not connect to its cluster; the message says where and what to check.</summary>
public sealed class ClusterConnectionException(string message) : Exception(message);
