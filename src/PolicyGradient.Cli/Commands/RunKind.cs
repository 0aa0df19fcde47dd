using PolicyGradient.Core;
using PolicyGradient.Training;
using static TorchSharp.torch;

namespace PolicyGradient.Cli.Commands;

/// <summary>
/// What differs, on the command line, between environment runs and language-model runs: which
/// options apply, how a run's definition is resolved or read back, the checks before a folder is
/// made, and what the progress display and the final report show. <c>pg train</c> and <c>pg resume</c>
/// follow one path (resolve, check, create the folder, <see cref="Trainer"/>, report) for both.
/// </summary>
internal abstract class RunKind
{
    /// <summary>The kind that trains <paramref name="algorithm"/> (language algorithms: sft, grpo, ...; everything else: environment).</summary>
    public static RunKind ForAlgorithm(string algorithm) =>
        Language.Training.LanguageAlgorithms.IsLanguageAlgorithm(algorithm) ? LanguageRunKind.Instance : EnvironmentRunKind.Instance;

    /// <summary>The kind of the run in <paramref name="runDir"/> (its config.yaml names a task_id or an env_id).</summary>
    public static RunKind ForRunFolder(string runDir) =>
        Language.Runs.LanguageRunConfig.ReadIdentity(Path.Combine(runDir, Trainer.ConfigFile)) is not null ? LanguageRunKind.Instance : EnvironmentRunKind.Instance;

    /// <summary>The kind of what <c>pg eval</c> is given: a language run, checkpoint or Hugging Face folder, or else an environment run or checkpoint.</summary>
    public static RunKind ForEvalPath(string path) =>
        Language.Runs.LanguageCheckpoint.IsLanguagePath(path) ? LanguageRunKind.Instance : EnvironmentRunKind.Instance;

    /// <summary><c>pg eval</c>: refuses the other kind's options, evaluates the saved policy and prints the result.</summary>
    public abstract int Eval(EvalCommand.Settings s);

    /// <summary>Refuses the other kind's <c>pg train</c> options.</summary>
    /// <exception cref="UsageException">One was given.</exception>
    public abstract void RefuseOtherOptions(TrainCommand.Settings s);

    /// <summary>Refuses the other kind's <c>pg resume</c> options.</summary>
    /// <exception cref="UsageException">One was given.</exception>
    public abstract void RefuseOtherOptions(ResumeCommand.Settings s);

    /// <summary>Resolves and validates the configuration of <c>pg train</c>.</summary>
    public abstract RunDefinition Resolve(TrainCommand.Settings s, IReadOnlyList<string> plugins);

    /// <summary>The new total given to <c>pg resume</c> (--timesteps or --steps), if any.</summary>
    public abstract long? RequestedTotal(ResumeCommand.Settings s);

    /// <summary>The run as recorded in <paramref name="runDir"/>, and with <paramref name="total"/> when one is given.</summary>
    public abstract (RunDefinition Recorded, RunDefinition Run) Read(string runDir, long? total);

    /// <summary>The checks that need the run's pieces built once (nothing is written).</summary>
    /// <exception cref="UsageException">The run would fail at its start.</exception>
    public abstract void Preflight(RunDefinition run, Device device, bool deterministic);

    /// <summary>Warnings about valid but questionable settings.</summary>
    public virtual IEnumerable<string> Warnings(RunDefinition run) => [];

    /// <summary>Appended to "pg: training ... into DIR" (e.g. the starting weights).</summary>
    public virtual string StartNote(RunDefinition run) => "";

    /// <summary>What the progress display shows of each update.</summary>
    public abstract IProgressText Progress(RunDefinition run, int logEvery);

    /// <summary>The lines printed when the run is done.</summary>
    public abstract string Report(RunDefinition run, RunResult result);
}
