using System.ComponentModel;
using PolicyGradient.Training;
using PolicyGradient.Training.Configuration;
using PolicyGradient.Cli.Options;
using Spectre.Console.Cli;

namespace PolicyGradient.Cli.Commands;

/// <summary>`pg train &lt;algo&gt; &lt;env-id&gt;`: resolves and validates the configuration, then trains into a run folder.</summary>
public sealed class TrainCommand : Command<TrainCommand.Settings>
{
    /// <summary>Options.</summary>
    public sealed class Settings : ClusterSettings
    {
        /// <summary>Algorithm name.</summary>
        [CommandArgument(0, "<algo>")][Description("Algorithm name (listed above; pg algos shows them all).")]
        public string Algorithm { get; init; } = "";

        /// <summary>Environment id.</summary>
        [CommandArgument(1, "<env-id>")][Description("Environment id, e.g. CartPole-v1 (see pg envs), or a language task id for a language algorithm, e.g. Addition-v0 (see pg tasks).")]
        public string EnvId { get; init; } = "";

        /// <summary>Total timesteps (n_timesteps).</summary>
        [CommandOption("--timesteps <N>")][Description("Total environment steps (overrides n_timesteps).")]
        [TypeConverter(typeof(CountConverter<long>))]
        public long? Timesteps { get; init; }

        /// <summary>Run seed.</summary>
        [CommandOption("--seed <S>")][Description("Run seed (default 0).")]
        [TypeConverter(typeof(IntegerConverter<long>))]
        public long? Seed { get; init; }

        /// <summary>YAML config file.</summary>
        [CommandOption("--config <FILE>")][Description("YAML file of key: value options (applied over the preset).")]
        public string? Config { get; init; }

        /// <summary>key=value overrides.</summary>
        [CommandOption("--set <KEY=VALUE>")][Description("Override one option, e.g. --set n_steps=64 --set policy.net_arch=[[64,64]]. Repeatable.")]
        public string[] Set { get; init; } = [];

        /// <summary>Run folder.</summary>
        [CommandOption("--out <DIR>")][Description("Run folder (default runs/<algo>-<env>-<seed>-<time>).")]
        public string? Out { get; init; }

        /// <summary>libtorch threads.</summary>
        [CommandOption("--threads <T>")][Description("libtorch intra-op threads (default 1: fastest for small networks).")]
        [TypeConverter(typeof(SmallCountConverter<int>))]
        public int Threads { get; init; } = 1;

        /// <summary>Device.</summary>
        [CommandOption("--device <DEVICE>")][Description("cpu or cuda (default cpu).")]
        public string Device { get; init; } = "cpu";

        /// <summary>Checkpoint period.</summary>
        [CommandOption("--checkpoint-every <N>")][Description("Checkpoint every N timesteps (default about every 10% of the run).")]
        [TypeConverter(typeof(CountConverter<long>))]
        public long? CheckpointEvery { get; init; }

        /// <summary>Plain log lines instead of a progress bar.</summary>
        [CommandOption("--quiet")][Description("No progress bar: one plain line every --log-every updates.")]
        public bool Quiet { get; init; }

        /// <summary>Plain-line interval.</summary>
        [CommandOption("--log-every <UPDATES>")][Description("Updates between plain progress lines (default: about 50 lines per run).")]
        [TypeConverter(typeof(SmallCountConverter<int>))]
        public int LogEvery { get; init; }

        /// <summary>Deterministic mode.</summary>
        [CommandOption("--deterministic")][Description("One thread and deterministic kernels: same seed, same result.")]
        public bool Deterministic { get; init; }

        /// <summary>Steps of a language-model run.</summary>
        [CommandOption("--steps <N>")][Description("Language-model runs: trainer steps (overrides steps).")]
        [TypeConverter(typeof(CountConverter<int>))]
        public int? Steps { get; init; }

        /// <summary>Starting checkpoint of a language-model run.</summary>
        [CommandOption("--init <RUN-OR-CHECKPOINT>")][Description("Language-model runs: start from a run's final checkpoint, a checkpoint folder or a Hugging Face folder.")]
        public string? Init { get; init; }

        /// <summary>Replace an existing run folder.</summary>
        [CommandOption("--force")][Description("Replace an existing non-empty --out folder.")]
        public bool Force { get; init; }
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken) => RunLayerErrors.Guard(() =>
    {
        var plugins = Plugins.PluginLoader.Load(s.EnvAssemblies);   // before any id is looked up
        // Language-model algorithms (sft, grpo, ...) take a task id and count steps; the others an env id and timesteps.
        var kind = RunKind.ForAlgorithm(s.Algorithm);
        kind.RefuseOtherOptions(s);
        var device = TorchSetup.Apply(s.Threads, s.Deterministic, s.Device);
        var run = kind.Resolve(s, plugins);
        var gateways = ClusterTraining.Requested(s) ? ClusterTraining.Check(s, run) : null;
        string outDir = RunFolder.Check(s.Out ?? Path.Combine(RunFolder.DefaultRoot,
            RunFolder.DefaultName(run.Algorithm, run.TargetId, run.Seed, DateTime.Now)), s.Force);
        kind.Preflight(run, device, s.Deterministic);
        using var cluster = gateways is null ? null : ClusterTraining.Connect(s, gateways);   // every check done: only now does a folder appear
        string runDir = RunFolder.Create(outDir, s.Force);
        foreach (string w in kind.Warnings(run)) Console.Error.WriteLine($"pg: warning: {w}");
        Console.Error.WriteLine($"pg: training {run.Algorithm} on {run.TargetId} for {run.Total:N0} steps into {runDir}{kind.StartNote(run)}");
        if (!Interrupts.TryRun((s.Deterministic ? " --deterministic" : "") + s.ResumeFlags(), cancel => ConsoleProgressCallback.Run($"{run.Algorithm} {run.TargetId}", kind.Progress(run, s.LogEvery), s.Quiet,
            progress => Trainer.Train(run, runDir, Session(device, s.Deterministic, progress, cancel) with
                { PrepareLearner = cluster is null ? null : ClusterTraining.Attach(cluster, s) })), out var result)) return Interrupts.ExitCode;
        Console.WriteLine(kind.Report(run, result));
        return ExitCodes.Success;
    });

    /// <summary>The session of a command-line run: the console progress after the run layer's callbacks, warnings to stderr, Ctrl-C.</summary>
    internal static TrainingSession Session(TorchSharp.torch.Device device, bool deterministic, PolicyGradient.Core.IRunCallback progress, CancellationToken cancel) => new()
    {
        Device = device, Deterministic = deterministic, Callbacks = [progress], Warn = w => Console.Error.WriteLine($"pg: warning: {w}"), Cancellation = cancel,
    };
}
