using System.Globalization;
using PolicyGradient.Core;
using PolicyGradient.Serialization;
using PolicyGradient.Training.Callbacks;
using PolicyGradient.Training.Checkpoints;
using PolicyGradient.Training.Configuration;

namespace PolicyGradient.Training;

/// <summary>
/// Runs training sessions into a run folder: config.yaml, progress.csv, TensorBoard events,
/// periodic and final checkpoints, evaluations, learning-curve.png. <see cref="Train(RunDefinition, string, TrainingSession)"/>
/// starts a run; <see cref="Resume(RunDefinition, string, TrainingSession, RunDefinition?)"/> continues one from its
/// newest complete checkpoint in the same folder. Every run, environment or language task, goes
/// through the same loop (<see cref="RunLoop"/>): one checkpoint callback (which refuses NaN/∞
/// tensors), one divergence guard, one progress CSV, one TensorBoard writer, one evaluation callback.
/// </summary>
public static class Trainer
{
    /// <summary>File names in a run folder.</summary>
    public const string ConfigFile = "config.yaml", ProgressFile = "progress.csv", EvaluationsFile = "evaluations.csv", CurveFile = "learning-curve.png";

    /// <summary>Starts a new environment run in <paramref name="runDir"/> (created by <see cref="RunFolder.Create"/>).</summary>
    /// <exception cref="TrainingDivergedException">A metric or tensor became NaN/∞ (the last good checkpoint is kept).</exception>
    public static RunResult Train(ResolvedConfig config, string runDir, TrainingSession session) => Train(new EnvironmentRun(config), runDir, session);

    /// <summary>Starts a new run of any kind in <paramref name="runDir"/>.</summary>
    /// <exception cref="TrainingDivergedException">A metric or tensor became NaN/∞ (the last good checkpoint is kept).</exception>
    public static RunResult Train(RunDefinition run, string runDir, TrainingSession session)
    {
        Directory.CreateDirectory(runDir);
        AtomicFile.WriteAllText(Path.Combine(runDir, ConfigFile), run.ToYaml());
        return RunLoop.Run(run, runDir, session, resumeFrom: null);
    }

    /// <summary>
    /// Continues the environment run in <paramref name="runDir"/> from its newest complete checkpoint, up to
    /// <paramref name="totalTimesteps"/> (default: the run's n_timesteps). Rows of progress.csv
    /// newer than that checkpoint are dropped first, so the file has no duplicated or torn rows.
    /// </summary>
    /// <exception cref="ConfigurationException">config.yaml missing or invalid.</exception>
    /// <exception cref="CheckpointException">No usable checkpoint, or one that does not match the run.</exception>
    /// <exception cref="ArgumentException">The run already reached the requested timesteps.</exception>
    public static RunResult Resume(string runDir, long? totalTimesteps, TrainingSession session)
    {
        string full = Path.GetFullPath(runDir);
        if (!Directory.Exists(full)) throw new ArgumentException($"run folder {full} does not exist");
        string configPath = Path.Combine(full, ConfigFile);
        var overrides = totalTimesteps is long t ? ConfigLayer.FromScalars("--timesteps", [new("n_timesteps", ConfigLayer.Text(t))]) : null;
        var run = new EnvironmentRun(ConfigResolver.FromRunConfig(configPath, overrides: overrides));
        return Resume(run, full, session, overrides is null ? null : new EnvironmentRun(ConfigResolver.FromRunConfig(configPath)));
    }

    /// <summary>
    /// Continues the run in <paramref name="runDir"/> from its newest complete checkpoint up to
    /// <paramref name="run"/>'s total. With <paramref name="original"/> (the run as recorded, when the
    /// total was changed) config.yaml is rewritten with the new total and <see cref="RunDefinition.ResumeNote"/> is warned.
    /// </summary>
    /// <exception cref="CheckpointException">No usable checkpoint, or one that does not match the run.</exception>
    /// <exception cref="ArgumentException">The run already reached the total.</exception>
    public static RunResult Resume(RunDefinition run, string runDir, TrainingSession session, RunDefinition? original = null)
    {
        string full = Path.GetFullPath(runDir);
        if (!Directory.Exists(full)) throw new ArgumentException($"run folder {full} does not exist");
        var warnings = new List<string>();
        string checkpoint = CheckpointStore.LatestComplete(full, warnings)
            ?? throw new CheckpointException($"{full}: no complete checkpoint to resume from" + (warnings.Count > 0 ? $" ({string.Join("; ", warnings)})" : "; start the run again with pg train"));
        foreach (string w in warnings) session.Warn?.Invoke(w);
        var manifest = CheckpointStore.Verify(checkpoint);
        // Before anything in the folder changes: a checkpoint of another run or configuration is refused here.
        CheckpointStore.CheckIdentity(checkpoint, manifest.Identity, run.Identity());
        if (manifest.NumTimesteps >= run.Total)
            throw new ArgumentException($"the run already reached {manifest.NumTimesteps} {run.ProgressUnit} ({run.TotalKey} {run.Total}); pass {run.TotalFlag} with a larger total to train further");
        if (original is not null)
        {
            if (run.ResumeNote(original, manifest.NumTimesteps) is { } note) session.Warn?.Invoke(note);
            AtomicFile.WriteAllText(Path.Combine(full, ConfigFile), run.ToYaml());
        }
        return RunLoop.Run(run, full, session, checkpoint);
    }

    /// <summary>Linear schedules re-stretched by a resume with a new total (see <see cref="RunDefinition.ResumeNote"/>).</summary>
    internal static string? ScheduleStretch(ResolvedConfig before, ResolvedConfig after, long timesteps) => EnvironmentRun.ScheduleStretch(before, after, timesteps);
}
