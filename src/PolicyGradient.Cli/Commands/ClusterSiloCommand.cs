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
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(s.ClusterId)) throw new UsageException("pg cluster silo needs --cluster-id ID");
        foreach (var (flag, port) in new[] { ("--port", s.Port), ("--gateway-port", s.GatewayPort) })
            if (port is < 1 or > 65535) throw new UsageException($"{flag} {port} is not a port (1-65535)");
        var primary = s.Primary is null ? null : ClusterTraining.ParseEndpoint(s.Primary, "--primary");
        using var host = ClusterSilo.Build(s.ClusterId, s.Port, s.GatewayPort, primary);
        try { host.Start(); }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or IOException or Orleans.Runtime.OrleansException)
        { throw new RunFailedException($"the silo did not start: {e.Message.Split('\n')[0]}"); }
        Console.Error.WriteLine($"pg: silo of cluster {s.ClusterId} on 127.0.0.1:{s.Port}, gateway {s.GatewayPort}{(primary is null ? " (primary)" : $", primary {primary}")}; stop it with Ctrl-C or SIGTERM");
        host.WaitForShutdown(); // the console lifetime stops the host on SIGINT/SIGTERM: grains deactivate, the silo leaves the cluster
        Console.Error.WriteLine("pg: silo stopped");
        return ExitCodes.Success;
    }
}
