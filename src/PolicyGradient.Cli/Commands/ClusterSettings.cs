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

    /// <summary>Membership table of the cluster.</summary>
    [CommandOption("--membership <URL>")][Description("Cluster run: redis://HOST:PORT, the Redis membership the silos use (then --gateways is not needed).")]
    public string? Membership { get; init; }

    /// <summary>Rollout workers.</summary>
    [CommandOption("--workers <N>")][Description("Cluster run: rollout workers; each steps n_envs / N env copies (language runs: samples prompts_per_step / N groups).")]
    [TypeConverter(typeof(SmallCountConverter<int>))]
    public int? Workers { get; init; }

    /// <summary>Cluster mode.</summary>
    [CommandOption("--cluster-mode <MODE>")][Description("Cluster run: sync (the learner waits for every worker; equals the local run bit for bit under --deterministic) or async (ppo, a2c, group algorithms: workers never wait, stale batches corrected; not reproducible).")]
    public string? ClusterMode { get; init; }

    /// <summary>Staleness bound of async mode.</summary>
    [CommandOption("--max-policy-lag <N>")][Description("Async cluster run: drop (and count) rollout slices acted by weights more than N updates old (default 4).")]
    [TypeConverter(typeof(SmallCountConverter<int>))]
    public int? MaxPolicyLag { get; init; }

    /// <summary>Truncation of the importance weights of language runs in async mode.</summary>
    [CommandOption("--tis-cap <C>")][Description("Async cluster run of a group algorithm (grpo, ...): truncate each token's importance weight π_old/μ at C (default 2, as verl's rollout correction).")]
    public double? TisCap { get; init; }

    /// <summary>Default of <see cref="MaxPolicyLag"/>.</summary>
    internal const int DefaultMaxPolicyLag = 4;

    /// <summary>True for --cluster-mode async.</summary>
    internal bool Async => ClusterMode == "async";

    /// <summary>The flags again, for the `pg resume` line printed after an interrupt ("" without a cluster).</summary>
    internal string ResumeFlags() => Cluster is null ? "" : $" --cluster {Cluster}"
        + (Gateways is null ? "" : $" --gateways {Gateways}") + (Membership is null ? "" : $" --membership {Membership}") + $" --workers {Workers}"
        + (Async ? $" --cluster-mode async --max-policy-lag {MaxPolicyLag ?? DefaultMaxPolicyLag}" : "")
        + (TisCap is double cap ? $" --tis-cap {cap.ToString(System.Globalization.CultureInfo.InvariantCulture)}" : "");
}
