using System.ComponentModel;
using System.Globalization;
using Spectre.Console.Cli;

namespace PolicyGradient.Cli.Commands;

/// <summary>`pg cluster status`: the cluster's silos (address, membership status) and rollout workers (id, silo, policy version, steps/s).</summary>
public sealed class ClusterStatusCommand : Command<ClusterStatusCommand.Settings>
{
    /// <summary>Options.</summary>
    public sealed class Settings : CommandSettings
    {
        /// <summary>Cluster id.</summary>
        [CommandOption("--cluster <ID>")][Description("Cluster id (the silos' --cluster-id).")]
        public string? Cluster { get; init; }

        /// <summary>Gateways.</summary>
        [CommandOption("--gateways <HOST:PORT,...>")][Description("Gateway endpoints of the silos (their --gateway-port), comma-separated.")]
        public string? Gateways { get; init; }

        /// <summary>Membership table.</summary>
        [CommandOption("--membership <URL>")][Description("redis://HOST:PORT, the silos' Redis membership (instead of --gateways).")]
        public string? Membership { get; init; }
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(s.Cluster) || (string.IsNullOrWhiteSpace(s.Gateways) && s.Membership is null))
            throw new UsageException("pg cluster status needs --cluster ID and --gateways HOST:PORT[,HOST:PORT...] (or --membership redis://HOST:PORT)");
        if (s.Membership is not null) ClusterTraining.Membership(s.Membership);
        var gateways = s.Gateways is null ? [] : ClusterTraining.ParseGateways(s.Gateways);
        using var client = ClusterTraining.Connect(new StatusFlags(s.Cluster, s.Membership), gateways);
        var (silos, workers) = client.Status();
        Console.WriteLine($"cluster {s.Cluster}: {silos.Count} silo(s), {workers.Count} worker(s)");
        foreach (var (address, status) in silos) Console.WriteLine($"silo    {address,-40} {status}");
        foreach (var w in workers)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"worker  {w.Worker,-40} silo {w.Silo}  policy version {w.PolicyVersion}  {Rate(w)}  ({(DateTime.UtcNow - w.ReportedUtc).TotalSeconds:0} s ago)"));
        return ExitCodes.Success;
    }

    // A rollout worker's rate is measured by the learner end to end and by the worker for its stepping; a language
    // worker reports its sampling rate only (the learner scores its completions).
    static string Rate(PolicyGradient.Distributed.WorkerStatus w) => w.Unit == "tokens"
        ? string.Create(CultureInfo.InvariantCulture, $"{w.EnvStepsPerSecond:0} tokens/s sampling")
        : string.Create(CultureInfo.InvariantCulture, $"{w.StepsPerSecond:0} steps/s end to end ({w.EnvStepsPerSecond:0} stepping alone)");

    /// <summary>The connection's view of the flags (the cluster id and membership are read).</summary>
    sealed class StatusFlags : ClusterSettings
    {
        public StatusFlags(string cluster, string? membership) => (Cluster, Membership) = (cluster, membership);
    }
}
