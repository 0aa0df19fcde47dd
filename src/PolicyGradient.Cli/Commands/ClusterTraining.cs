using System.Net;
using PolicyGradient.Algorithms;
using PolicyGradient.Distributed;
using PolicyGradient.Language.Runs;
using PolicyGradient.Language.Training;
using PolicyGradient.Training;

namespace PolicyGradient.Cli.Commands;

/// <summary>
/// `pg train|resume ... --cluster ID --gateways HOST:PORT[,...] --workers N [--cluster-mode sync]`: the checks
/// made before a run folder appears, the connection, and the hook that hands the algorithm's
/// rollouts to the cluster's worker grains (docs/distributed.md).
/// </summary>
internal static class ClusterTraining
{
    /// <summary>How long a learner waits for its cluster's gateways (--gateways) before exit 2.</summary>
    static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(15);

    /// <summary>
    /// The same through Redis membership: the connection has more steps (connect to Redis, read the
    /// table, then a gateway and the handshake), each of which a CPU-starved process stretches (a whole
    /// `pg cluster status` process took up to 17 s at load 20–31); still under the 30 s in which bad input must exit 2.
    /// </summary>
    static readonly TimeSpan RedisConnectTimeout = TimeSpan.FromSeconds(25);

    /// <summary>Whether any cluster flag was given.</summary>
    public static bool Requested(ClusterSettings s) => s.Cluster is not null || s.Gateways is not null || s.Workers is not null || s.ClusterMode is not null || s.MaxPolicyLag is not null || s.Membership is not null || s.TisCap is not null;

    /// <summary>Refuses flag combinations and run configurations sync mode cannot run exactly; each message names the fix.</summary>
    /// <exception cref="UsageException">The flags or the configuration do not fit a cluster run.</exception>
    public static IPEndPoint[] Check(ClusterSettings s, RunDefinition run)
    {
        if (s.Cluster is null || (s.Gateways is null && s.Membership is null) || s.Workers is null)
            throw new UsageException("a cluster run needs --cluster ID, --gateways HOST:PORT[,HOST:PORT...] (or --membership redis://HOST:PORT) and --workers N together");
        if (s.Membership is not null) Membership(s.Membership);
        string mode = s.ClusterMode ?? "sync";
        if (mode is not ("sync" or "async")) throw new UsageException($"--cluster-mode {mode} is not a mode; use sync or async");
        CheckAsync(s, run);
        if (run is LanguageRun language) return CheckLanguage(s, language);
        if (s.TisCap is not null) throw new UsageException("--tis-cap truncates the importance weights of language runs (grpo and the other group algorithms) in async mode; drop it");
        if (s.EnvAssemblies.Length > 0 || run is EnvironmentRun { Config.Run.EnvAssemblies.Length: > 0 })
            throw new UsageException("--cluster does not load --env-assembly plug-ins on the silos yet; train plug-in envs without --cluster");
        if (run is not EnvironmentRun { Config.Options: OnPolicyOptions options })
            throw new UsageException($"--cluster takes the on-policy environment algorithms (ppo, a2c, reinforce, trpo), not {run.Algorithm}");
        if (options.NormalizeObservations)
            throw new UsageException("--cluster cannot normalize observations exactly (the statistics see every env copy each step); set normalize_observations=false");
        if (options.Backend == ComputeBackend.LibTorch)
            throw new UsageException("--cluster needs the native rollout path; set backend=auto or backend=native (not libtorch)");
        if (s.Workers < 1 || options.NEnvs % s.Workers != 0)
            throw new UsageException($"--workers {s.Workers} must divide n_envs {options.NEnvs} (each worker steps n_envs / workers copies); pass --set n_envs=<a multiple of {s.Workers}>");
        return s.Gateways is null ? [] : ParseGateways(s.Gateways);
    }

    /// <summary>Checks a --membership value (redis://HOST:PORT).</summary>
    /// <exception cref="UsageException">Not redis://HOST:PORT.</exception>
    public static string Membership(string text)
    {
        try { return ClusterMembership.RedisEndpoint(text); }
        catch (ArgumentException e) { throw new UsageException(e.Message); }
    }

    /// <summary>Async mode's own refusals: not reproducible (so no --deterministic), ppo and a2c only; --max-policy-lag only with it.</summary>
    static void CheckAsync(ClusterSettings s, RunDefinition run)
    {
        if (!s.Async)
        {
            if (s.MaxPolicyLag is not null) throw new UsageException("--max-policy-lag bounds the staleness of --cluster-mode async; add --cluster-mode async or drop it");
            return;
        }
        bool deterministic = s switch { TrainCommand.Settings t => t.Deterministic, ResumeCommand.Settings r => r.Deterministic, _ => false };
        if (deterministic)
            throw new UsageException("--cluster-mode async is not reproducible (which worker's slice arrives first decides each batch), so it cannot run --deterministic; drop --deterministic or use --cluster-mode sync");
        if (run.Algorithm is not ("ppo" or "a2c") && run is not LanguageRun)
            throw new UsageException($"--cluster-mode async corrects stale batches for ppo (decoupled clipping), a2c (V-trace) and the group algorithms (truncated importance weights), not {run.Algorithm}; use --cluster-mode sync");
    }

    /// <summary>A language run's refusals: the group algorithms only, --workers dividing prompts_per_step, no dynamic sampling or greedy baselines.</summary>
    static IPEndPoint[] CheckLanguage(ClusterSettings s, LanguageRun run)
    {
        if (run.Config.Options is not GroupTrainerOptions options)
            throw new UsageException($"--cluster distributes the sampling of the group algorithms (grpo, rloo, dapo, ...); {run.Algorithm} samples nothing: train it without --cluster");
        if (s.TisCap is not null && !s.Async) throw new UsageException("--tis-cap truncates the importance weights of --cluster-mode async; add --cluster-mode async or drop it");
        if (s.TisCap is double cap && !(cap > 0)) throw new UsageException($"--tis-cap must be > 0, got {cap}");
        if (s.Workers < 1 || options.PromptsPerStep % s.Workers != 0)
            throw new UsageException($"--workers {s.Workers} must divide prompts_per_step {options.PromptsPerStep} (each worker samples prompts_per_step / workers groups); pass --set prompts_per_step=<a multiple of {s.Workers}>");
        if (options.Rollout.DynamicSampling)
            throw new UsageException("--cluster does not run dynamic sampling yet; set dynamic_sampling=false");
        if (Estimators.AdvantageEstimatorRegistry.Shared.Find(options.Estimator).NeedsGreedyBaseline)
            throw new UsageException($"--cluster does not sample greedy baselines on the workers yet (estimator {options.Estimator}); use a group estimator such as grpo or rloo");
        return s.Gateways is null ? [] : ParseGateways(s.Gateways);
    }

    /// <summary>Parses HOST:PORT[,HOST:PORT...] (IP addresses or host names).</summary>
    public static IPEndPoint[] ParseGateways(string text) => text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(g => ParseEndpoint(g, "--gateways")).ToArray();

    /// <summary>One HOST:PORT.</summary>
    /// <exception cref="UsageException">Not HOST:PORT, or a host that does not resolve.</exception>
    public static IPEndPoint ParseEndpoint(string text, string flag)
    {
        int colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text[(colon + 1)..], out int port) || port is < 1 or > 65535)
            throw new UsageException($"{flag} {text} is not HOST:PORT; e.g. {flag} 127.0.0.1:30000");
        string host = text[..colon];
        if (IPAddress.TryParse(host, out var ip)) return new IPEndPoint(ip, port);
        try { return new IPEndPoint(Dns.GetHostAddresses(host).First(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork), port); }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or InvalidOperationException)
        { throw new UsageException($"{flag}: host {host} does not resolve to an IPv4 address; give an IP address"); }
    }

    /// <summary>Connects to the cluster (exit 2 with one line when it does not answer in time); from here a stop signal ends the process in bounded time (<see cref="StopWatchdog"/>).</summary>
    public static ClusterClient Connect(ClusterSettings s, IPEndPoint[] gateways)
    {
        ClusterClient client;
        try { client = ClusterClient.Connect(s.Cluster!, gateways, s.Membership is null ? ConnectTimeout : RedisConnectTimeout, s.Membership); }
        catch (ClusterConnectionException e) { throw new UsageException(e.Message); }
        StopWatchdog.Arm();
        return client;
    }

    /// <summary>`pg cluster status`'s read: through every static gateway on its own (the first answer counts, <see cref="ClusterClient.StatusAny"/>), or through Redis membership.</summary>
    /// <exception cref="UsageException">No gateway answered in time (exit 2, one line).</exception>
    /// <exception cref="TimeoutException">A connection answered, the membership did not.</exception>
    public static ClusterStatus Status(string cluster, IPEndPoint[] gateways, string? membership)
    {
        try
        {
            if (membership is null) return ClusterClient.StatusAny(cluster, gateways, ConnectTimeout);
            using var client = ClusterClient.Connect(cluster, gateways, RedisConnectTimeout, membership);
            return client.Status();
        }
        catch (ClusterConnectionException e) { throw new UsageException(e.Message); }
    }

    /// <summary>The session hook: start the workers and hand them the algorithm's rollouts.</summary>
    public static Action<Core.ILearner> Attach(ClusterClient client, ClusterSettings s) => learner =>
    {
        int workers = s.Workers!.Value;
        int? lag = s.Async ? s.MaxPolicyLag ?? ClusterSettings.DefaultMaxPolicyLag : null;
        bool language = LanguageClusterSource.IsLanguage(learner);
        double cap = s.TisCap ?? LanguageClusterSource.DefaultTisCap;
        var placed = language ? LanguageClusterSource.Attach(learner, client.Grains, workers, lag, cap) : ClusterRollouts.Attach(learner, client.Grains, workers, lag);
        string mode = lag is int l ? $"async, max policy lag {l}{(language ? $", tis cap {cap.ToString(System.Globalization.CultureInfo.InvariantCulture)}" : "")}" : "sync";
        Console.Error.WriteLine($"pg: {workers} rollout workers ({mode}) on {string.Join(", ", placed.Select(p => p.Silo).Distinct())}");
    };
}
