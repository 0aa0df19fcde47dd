using System.ComponentModel;
using Microsoft.Extensions.Hosting;
using PolicyGradient.Cli.Options;
using PolicyGradient.Distributed;
using Spectre.Console.Cli;

namespace PolicyGradient.Cli.Commands;

/// <summary>`pg cluster silo`: a worker host on 127.0.0.1 until SIGTERM or Ctrl-C (graceful: its workers deactivate).</summary>
public sealed class ClusterSiloCommand : Command<ClusterSiloCommand.Settings>
{
    /// <summary>Options.</summary>
    public sealed class Settings : CommandSettings
    {
        /// <summary>Cluster id.</summary>
        [CommandOption("--cluster-id <ID>")][Description("Cluster id; learners name it with --cluster.")]
        public string? ClusterId { get; init; }

        /// <summary>Silo port.</summary>
        [CommandOption("--port <P>")][Description("Silo-to-silo port (default 11111).")]
        [TypeConverter(typeof(IntegerConverter<int>))]
        public int Port { get; init; } = 11111;

        /// <summary>Gateway port.</summary>
        [CommandOption("--gateway-port <G>")][Description("Port learners connect to with --gateways (default 30000).")]
        [TypeConverter(typeof(IntegerConverter<int>))]
        public int GatewayPort { get; init; } = 30000;

        /// <summary>Primary silo.</summary>
        [CommandOption("--primary <HOST:PORT>")][Description("The primary silo's --port endpoint; leave out on the primary itself.")]
        public string? Primary { get; init; }

        /// <summary>Membership table.</summary>
        [CommandOption("--membership <URL>")][Description("redis://HOST:PORT: keep the cluster's membership in Redis (several machines; no --primary).")]
        public string? Membership { get; init; }

        /// <summary>Advertised address.</summary>
        [CommandOption("--address <IP>")][Description("With --membership: the address other machines reach this silo at (default 127.0.0.1).")]
        public string? Address { get; init; }
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(s.ClusterId)) throw new UsageException("pg cluster silo needs --cluster-id ID");
        foreach (var (flag, port) in new[] { ("--port", s.Port), ("--gateway-port", s.GatewayPort) })
            if (port is < 1 or > 65535) throw new UsageException($"{flag} {port} is not a port (1-65535)");
        var primary = s.Primary is null ? null : ClusterTraining.ParseEndpoint(s.Primary, "--primary");
        if (s.Membership is not null) ClusterTraining.Membership(s.Membership);
        if (s.Membership is not null && primary is not null) throw new UsageException("--primary is for development clustering; with --membership the silos find each other through Redis: drop --primary");
        System.Net.IPAddress? address = null;
        if (s.Address is not null && !System.Net.IPAddress.TryParse(s.Address, out address)) throw new UsageException($"--address {s.Address} is not an IP address; e.g. --address 192.168.1.20");
        if (address is not null && s.Membership is null) throw new UsageException("--address needs --membership redis://HOST:PORT (development clustering runs on 127.0.0.1 only)");
        using var host = ClusterSilo.Build(s.ClusterId, s.Port, s.GatewayPort, primary, membership: s.Membership, address: address);
        try { host.Start(); }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or IOException or Orleans.Runtime.OrleansException || e.GetType().FullName?.Contains("Redis", StringComparison.Ordinal) == true)
        { throw new RunFailedException($"the silo did not start: {e.Message.Split('\n')[0]}"); }
        string where = s.Membership is not null ? $", membership {s.Membership}" : primary is null ? " (primary)" : $", primary {primary}";
        Console.Error.WriteLine($"pg: silo of cluster {s.ClusterId} on {address ?? System.Net.IPAddress.Loopback}:{s.Port}, gateway {s.GatewayPort}{where}; stop it with Ctrl-C or SIGTERM");
        host.WaitForShutdown(); // the console lifetime stops the host on SIGINT/SIGTERM: grains deactivate, the silo leaves the cluster
        Console.Error.WriteLine("pg: silo stopped");
        return ExitCodes.Success;
    }
}
