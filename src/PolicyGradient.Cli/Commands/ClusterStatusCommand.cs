using System.ComponentModel;
using System.Globalization;
using PolicyGradient.Distributed;
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

    /// <summary>
    /// From the command's start to a forced exit 2, as a last resort: every step is bounded (the connection 15 s, or
    /// 25 s through Redis; the reads <see cref="ClusterClient.StatusReadTimeout"/>; the disconnect 5 s), and this makes
    /// sure that a step Orleans does not end in time (a frozen silo) still leaves the answer within 30 s.
    /// </summary>
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(27);

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(s.Cluster) || (string.IsNullOrWhiteSpace(s.Gateways) && s.Membership is null))
            throw new UsageException("pg cluster status needs --cluster ID and --gateways HOST:PORT[,HOST:PORT...] (or --membership redis://HOST:PORT)");
        if (s.Membership is not null) ClusterTraining.Membership(s.Membership);
        var gateways = s.Gateways is null ? [] : ClusterTraining.ParseGateways(s.Gateways);
        string where = s.Membership ?? s.Gateways!;
        using var deadline = LastResort.Arm(Bound, $"cluster '{s.Cluster}' at {where} did not answer within {Bound.TotalSeconds:0} s (a silo may be frozen or overloaded); try again, or check the silos");
        ClusterStatus status;
        try { status = ClusterTraining.Status(s.Cluster, gateways, s.Membership); }
        catch (TimeoutException e) { throw new UsageException($"cluster '{s.Cluster}' at {where}: {e.Message} (a silo may be frozen or overloaded); try again, or check the silos"); }
        Print(s.Cluster, status);
        return ExitCodes.Success;
    }

    static void Print(string cluster, ClusterStatus status)
    {
        var (silos, workers) = status;
        Console.WriteLine($"cluster {cluster}: {silos.Count} silo(s), {(status.WorkersAnswered ? $"{workers.Count}" : "?")} worker(s)");
        foreach (var (address, state) in silos) Console.WriteLine($"silo    {address,-40} {state}");
        if (!status.WorkersAnswered)
            Console.WriteLine($"workers: the worker directory did not answer within {ClusterClient.StatusReadTimeout.TotalSeconds:0} s (the silo that holds it may be frozen or dying); the silos above are current");
        foreach (var w in workers)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"worker  {w.Worker,-40} silo {w.Silo}  policy version {w.PolicyVersion}  {Rate(w)}  ({(DateTime.UtcNow - w.ReportedUtc).TotalSeconds:0} s ago)"));
    }

    // A rollout worker's rate is measured by the learner end to end and by the worker for its stepping; a language
    // worker reports its sampling rate only (the learner scores its completions).
    static string Rate(WorkerStatus w) => w.Unit == "tokens"
        ? string.Create(CultureInfo.InvariantCulture, $"{w.EnvStepsPerSecond:0} tokens/s sampling")
        : string.Create(CultureInfo.InvariantCulture, $"{w.StepsPerSecond:0} steps/s end to end ({w.EnvStepsPerSecond:0} stepping alone)");
}
