using System.ComponentModel;
using PolicyGradient.Training;
using PolicyGradient.Training.Configuration;
using PolicyGradient.Cli.Options;
using Spectre.Console.Cli;

namespace PolicyGradient.Cli.Commands;

/// <summary>`pg resume &lt;run&gt;`: continues a run from its newest complete checkpoint, in the same folder.</summary>
public sealed class ResumeCommand : Command<ResumeCommand.Settings>
{
    /// <summary>Options.</summary>
    public sealed class Settings : ClusterSettings
    {
        /// <summary>Run folder.</summary>
        [CommandArgument(0, "<run>")][Description("Run folder made by pg train.")]
        public string Run { get; init; } = "";

        /// <summary>New total timesteps.</summary>
        [CommandOption("--timesteps <N>")][Description("Train up to N total steps (default: the run's n_timesteps).")]
        [TypeConverter(typeof(CountConverter<long>))]
        public long? Timesteps { get; init; }

        /// <summary>New total steps of a language-model run.</summary>
        [CommandOption("--steps <N>")][Description("Language-model runs: train up to N total steps (default: the run's steps).")]
        [TypeConverter(typeof(CountConverter<int>))]
        public int? Steps { get; init; }

        /// <summary>libtorch threads.</summary>
        [CommandOption("--threads <T>")][Description("libtorch intra-op threads (default 1).")]
        [TypeConverter(typeof(SmallCountConverter<int>))]
        public int Threads { get; init; } = 1;

        /// <summary>Device.</summary>
        [CommandOption("--device <DEVICE>")][Description("cpu or cuda (default cpu).")]
        public string Device { get; init; } = "cpu";

        /// <summary>Plain lines.</summary>
        [CommandOption("--quiet")][Description("No progress bar.")]
        public bool Quiet { get; init; }

        /// <summary>Plain-line interval.</summary>
        [CommandOption("--log-every <UPDATES>")][Description("Updates between plain progress lines.")]
        [TypeConverter(typeof(SmallCountConverter<int>))]
        public int LogEvery { get; init; }

        /// <summary>Deterministic mode.</summary>
        [CommandOption("--deterministic")][Description("One thread and deterministic kernels (use it if the run was started with it).")]
        public bool Deterministic { get; init; }
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken) => RunLayerErrors.Guard(() =>
    {
        Plugins.PluginLoader.LoadForRun(s.EnvAssemblies, s.Run);   // the run's recorded plug-ins, and --env-assembly
        var kind = RunKind.ForRunFolder(s.Run);
        kind.RefuseOtherOptions(s);
        var device = TorchSetup.Apply(s.Threads, s.Deterministic, s.Device);
        long? requested = kind.RequestedTotal(s);
        var (recorded, run) = kind.Read(s.Run, requested);
        if (RunPreflight.Complete(s.Run, run.ProgressUnit, run.TotalFlag, recorded.Total, requested, m => m.NumTimesteps) is string complete)
        {
            Console.WriteLine(complete);
            return ExitCodes.Success;
        }
        var gateways = ClusterTraining.Requested(s) ? ClusterTraining.Check(s, run) : null;
        kind.Preflight(run, device, s.Deterministic);
        using var cluster = gateways is null ? null : ClusterTraining.Connect(s, gateways);
        Console.Error.WriteLine($"pg: resuming {s.Run} up to {run.Total:N0} steps");
        if (!Interrupts.TryRun((s.Deterministic ? " --deterministic" : "") + s.ResumeFlags(), cancel => ConsoleProgressCallback.Run($"{run.Algorithm} {run.TargetId}", kind.Progress(run, s.LogEvery), s.Quiet,
            progress => Trainer.Resume(run, s.Run, TrainCommand.Session(device, s.Deterministic, progress, cancel) with
                { PrepareLearner = cluster is null ? null : ClusterTraining.Attach(cluster, s) }, requested is null ? null : recorded)), out var result)) return Interrupts.ExitCode;
        Console.WriteLine(kind.Report(run, result));
        return ExitCodes.Success;
    });
}
