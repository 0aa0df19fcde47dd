using System.ComponentModel;
using PolicyGradient.Cli.Options;
using Spectre.Console.Cli;

namespace PolicyGradient.Cli.Commands;

/// <summary>The cluster flags of `pg train` and `pg resume` (docs/distributed.md).</summary>
public abstract class ClusterSettings : Plugins.PluginSettings
{
    /// <summary>Cluster id of a cluster run.</summary>
    [CommandOption("--cluster <ID>")][Description("Collect rollouts on the worker silos of this cluster (pg cluster silo; docs/distributed.md). With --gateways and --workers.")]
    public string? Cluster { get; init; }

    /// <summary>Gateways of the cluster.</summary>
    [CommandOption("--gateways <HOST:PORT,...>")][Description("Cluster run: gateway endpoints of the silos (their --gateway-port), comma-separated.")]
    public string? Gateways { get; init; }

    /// <summary>Rollout workers.</summary>
    [CommandOption("--workers <N>")][Description("Cluster run: rollout workers; each steps n_envs / N env copies.")]
    [TypeConverter(typeof(SmallCountConverter<int>))]
    public int? Workers { get; init; }

    /// <summary>Cluster mode.</summary>
    [CommandOption("--cluster-mode <MODE>")][Description("Cluster run: sync (the learner waits for every worker; equals the local run bit for bit under --deterministic). async is not built yet.")]
    public string? ClusterMode { get; init; }

    /// <summary>The flags again, for the `pg resume` line printed after an interrupt ("" without a cluster).</summary>
    internal string ResumeFlags() => Cluster is null ? "" : $" --cluster {Cluster} --gateways {Gateways} --workers {Workers}";
}
