using System.Reflection;
using PolicyGradient.Cli.Commands;
using Spectre.Console.Cli;

namespace PolicyGradient.Cli;

/// <summary>The `pg` command tree and its entry point (Program.cs only pins the BLAS kernels first).</summary>
public static class PgApp
{
    /// <summary>Every command name, for "did you mean" suggestions.</summary>
    public static IReadOnlyList<string> CommandNames { get; } =
        ["envs", "env", "rollout", "check", "baseline", "bench", "algos", "tasks", "train", "eval", "resume", "plot", "cluster", "silo", "diagnose", "gradients"];

    /// <summary>Each command's settings type, by its path ("train", "env rollout").</summary>
    static readonly Dictionary<string, Type> SettingsByCommand = new(StringComparer.OrdinalIgnoreCase)
    {
        ["envs"] = typeof(EnvsCommand.Settings), ["env rollout"] = typeof(EnvRolloutCommand.Settings), ["env check"] = typeof(EnvCheckCommand.Settings),
        ["baseline"] = typeof(BaselineCommand.Settings), ["bench envs"] = typeof(BenchEnvsCommand.Settings), ["algos"] = typeof(AlgosCommand.Settings),
        ["tasks"] = typeof(TasksCommand.Settings), ["train"] = typeof(TrainCommand.Settings), ["eval"] = typeof(EvalCommand.Settings),
        ["resume"] = typeof(ResumeCommand.Settings), ["plot"] = typeof(PlotCommand.Settings), ["cluster silo"] = typeof(ClusterSiloCommand.Settings), ["cluster status"] = typeof(ClusterStatusCommand.Settings),
        ["diagnose gradients"] = typeof(DiagnoseGradientsCommand.Settings),
    };

    /// <summary>The long option names (without "--") of the command that <paramref name="args"/> run; empty when there is none.</summary>
    public static IReadOnlyList<string> OptionNames(IReadOnlyList<string> args) => Options(args, flagsOnly: false);

    /// <summary>The long names of the command's flags (options that take no value).</summary>
    public static IReadOnlyList<string> FlagNames(IReadOnlyList<string> args) => Options(args, flagsOnly: true);

    static List<string> Options(IReadOnlyList<string> args, bool flagsOnly)
    {
        if (args.Count == 0) return [];
        string path = args[0] is "env" or "bench" or "cluster" or "diagnose" && args.Count > 1 ? $"{args[0]} {args[1]}" : args[0];
        if (!SettingsByCommand.TryGetValue(path, out var type)) return [];
        return type.GetProperties()
            .Where(p => !flagsOnly || p.PropertyType == typeof(bool) || p.PropertyType == typeof(bool?))
            .SelectMany(p => p.GetCustomAttributes(typeof(CommandOptionAttribute), true).Cast<CommandOptionAttribute>())
            .SelectMany(a => a.LongNames).Concat(flagsOnly ? [] : ["help"]).Distinct().Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>The version printed by <c>pg --version</c>: the assembly's informational version (without a build-metadata suffix).</summary>
    public static string Version
    {
        get
        {
            string? v = typeof(PgApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
            v ??= typeof(PgApp).Assembly.GetName().Version?.ToString() ?? "0.0.0";
            int plus = v.IndexOf('+', StringComparison.Ordinal);
            return plus > 0 ? v[..plus] : v;
        }
    }

    /// <summary>`pg train`'s description: every registered algorithm, classic and language (see `pg algos`).</summary>
    internal static string TrainDescription() =>
        "Train an algorithm on an environment or a language task into a run folder.\n"
        + $"Classic algorithms (an <env-id>, see pg envs): {string.Join(", ", Algorithms.AlgorithmRegistry.All.Select(d => d.Name))}.\n"
        + $"Language algorithms (a task id, see pg tasks): sft, {string.Join(", ", Language.Training.LanguageAlgorithms.Names)}.\n"
        + "pg algos lists them with their presets.";

    /// <summary>Runs `pg <paramref name="args"/>` and returns the exit code (0 success, 1 run failed, 2 bad input).</summary>
    public static int Run(string[] args)
    {
        var app = new CommandApp();
        app.Configure(config =>
        {
            config.SetApplicationName("pg");
            config.SetApplicationVersion(Version);
            config.Settings.StrictParsing = true;
            config.AddCommand<EnvsCommand>("envs").WithDescription("List the registered environments.");
            config.AddBranch("env", env =>
            {
                env.SetDescription("Work with one environment.");
                env.AddCommand<EnvRolloutCommand>("rollout").WithDescription("Reset with a seed, apply given actions, print each step.");
                env.AddCommand<EnvCheckCommand>("check").WithDescription("Check an environment against the env contract.");
            });
            config.AddCommand<BaselineCommand>("baseline").WithDescription("Tune and print an env's heuristic baseline policies (e.g. best base-stock).");
            config.AddBranch("bench", bench =>
            {
                bench.SetDescription("Measure performance.");
                bench.AddCommand<BenchEnvsCommand>("envs").WithDescription("Environment steps per second.");
            });
            config.AddCommand<AlgosCommand>("algos").WithDescription("List the algorithms: classic (environments) and language (tasks), with their presets.");
            config.AddCommand<TasksCommand>("tasks").WithDescription("List the language-model tasks.");
            config.AddCommand<TrainCommand>("train").WithDescription(TrainDescription())
                .WithExample("train", "ppo", "CartPole-v1").WithExample("train", "sft", "Addition-v0");
            config.AddCommand<EvalCommand>("eval").WithDescription("Evaluate a trained run or checkpoint.");
            config.AddCommand<ExportCommand>("export").WithDescription("Export a trained policy as ONNX or .pgpolicy (PolicyGradient.Inference) for deployment without libtorch.");
            config.AddCommand<ResumeCommand>("resume").WithDescription("Continue a run from its last complete checkpoint.");
            config.AddCommand<PlotCommand>("plot").WithDescription("Plot learning curves of one or more runs into a PNG, JPEG or SVG file.");
            config.AddBranch("cluster", cluster =>
            {
                cluster.SetDescription("Distributed rollouts on Orleans (docs/distributed.md).");
                cluster.AddCommand<ClusterSiloCommand>("silo").WithDescription("Run a rollout worker host (silo) on 127.0.0.1 until SIGTERM or Ctrl-C.")
                    .WithExample("cluster", "silo", "--cluster-id", "dev", "--port", "11111", "--gateway-port", "30000");
                cluster.AddCommand<ClusterStatusCommand>("status").WithDescription("List a cluster's silos and rollout workers (silo, policy version, steps/s).")
                    .WithExample("cluster", "status", "--cluster", "dev", "--gateways", "127.0.0.1:30000");
            });
            config.AddBranch("diagnose", diagnose =>
            {
                diagnose.SetDescription("Measure what a trained policy's estimators do (docs/variance.md).");
                diagnose.AddCommand<DiagnoseGradientsCommand>("gradients").WithDescription("Variance, signal-to-noise ratio and bias of each policy-gradient estimator at a run's policy.")
                    .WithExample("diagnose", "gradients", "runs/ppo-CartPole-v1-0", "--batches", "32", "--json");
            });
            config.SetExceptionHandler((ex, _) => CliErrors.Report(ex, args));
        });
        int code = CliErrors.Run(() => app.Run(args), args);
        // `pg env` / `pg bench` alone print the branch's help; Spectre exits 1 there, which means "run failed".
        return code == ExitCodes.RunFailed && args.Length == 1 && args[0] is "env" or "bench" or "cluster" or "diagnose" ? ExitCodes.BadInput : code;
    }
}
