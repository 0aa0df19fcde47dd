using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using PolicyGradient.Environments;
using PolicyGradient.Training;
using PolicyGradient.Cli.Options;
using Spectre.Console.Cli;

namespace PolicyGradient.Cli.Commands;

/// <summary>`pg eval &lt;run-or-checkpoint&gt;`: runs whole episodes with a trained policy and reports the mean return.</summary>
public sealed class EvalCommand : Command<EvalCommand.Settings>
{
    /// <summary>Options.</summary>
    public sealed class Settings : Plugins.PluginSettings
    {
        /// <summary>Run or checkpoint folder.</summary>
        [CommandArgument(0, "<run-or-checkpoint>")][Description("A run folder (its newest complete checkpoint) or a checkpoints/<name> folder.")]
        public string Path { get; init; } = "";

        /// <summary>Episodes.</summary>
        [CommandOption("--episodes <N>")][Description("Environment runs: episodes to run (default 10).")]
        [TypeConverter(typeof(SmallCountConverter<int>))]
        public int? Episodes { get; init; }

        /// <summary>Mode actions.</summary>
        [CommandOption("--deterministic")][Description("Environment runs: take the most likely action instead of sampling.")]
        public bool? Deterministic { get; init; }

        /// <summary>Seed of the first episode.</summary>
        [CommandOption("--seed <S>")][Description("Episode i resets with seed S + i (default: the run's seed + 1000000, apart from training seeds).")]
        [TypeConverter(typeof(IntegerConverter<long>))]
        public long? Seed { get; init; }

        /// <summary>JSON output.</summary>
        [CommandOption("--json")][Description("Print exactly {\"mean_return\":..,\"std_return\":..,\"episodes\":N}; for language models {\"accuracy\":a,\"pass_at_k\":p,\"k\":K,\"problems\":N}.")]
        public bool Json { get; init; }

        /// <summary>Language-model eval: split.</summary>
        [CommandOption("--split <SPLIT>")][Description("Language-model runs: heldout (default) or train.")]
        public string? Split { get; init; }

        /// <summary>Language-model eval: problems.</summary>
        [CommandOption("--problems <N>")][Description("Language-model runs: problems to evaluate (default 500; fewer when the split is smaller).")]
        [TypeConverter(typeof(SmallCountConverter<int>))]
        public int? Problems { get; init; }

        /// <summary>Language-model eval: samples per problem for pass@k.</summary>
        [CommandOption("--samples <K>")][Description("Language-model runs: also sample K completions per problem and report pass@K.")]
        [TypeConverter(typeof(SmallCountConverter<int>))]
        public int? Samples { get; init; }

        /// <summary>Language-model eval: sampling temperature.</summary>
        [CommandOption("--temperature <T>")][Description("Language-model runs: temperature of the --samples completions (default 1).")]
        [TypeConverter(typeof(NumberConverter))]
        public double? Temperature { get; init; }

        /// <summary>Language-model eval: task of a bare Hugging Face folder.</summary>
        [CommandOption("--task <TASK-ID>")][Description("Language-model runs: the task (needed for a Hugging Face folder; default: the run's task).")]
        public string? Task { get; init; }

        /// <summary>Device.</summary>
        [CommandOption("--device <DEVICE>")][Description("cpu or cuda (default cpu).")]
        public string Device { get; init; } = "cpu";
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken) => RunLayerErrors.Guard(() =>
    {
        Plugins.PluginLoader.LoadForRun(s.EnvAssemblies, s.Path);   // the run's recorded plug-ins, and --env-assembly
        return RunKind.ForEvalPath(s.Path).Eval(s);
    });
}
