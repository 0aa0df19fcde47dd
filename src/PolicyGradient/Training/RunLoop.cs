using System.Globalization;
using PolicyGradient.Core;
using PolicyGradient.Serialization;
using PolicyGradient.Training.Callbacks;
using PolicyGradient.Training.Checkpoints;

namespace PolicyGradient.Training;

/// <summary>
/// The one training loop of every run (<see cref="Trainer"/>): builds the learner, restores a checkpoint
/// when resuming, wires the run layer's callbacks, lets the learner train, then writes the final
/// checkpoint (never one holding NaN/∞) and the learning curve.
/// </summary>
internal static class RunLoop
{
    public static RunResult Run(RunDefinition run, string runDir, TrainingSession session, string? resumeFrom)
    {
        var identity = run.Identity();
        using var learner = run.CreateLearner(session, restoring: resumeFrom is not null);
        session.PrepareLearner?.Invoke(learner);
        var resumed = resumeFrom is null ? Resumed.None : Restore(run, learner, runDir, resumeFrom, identity);
        RecordBackend(run, runDir, learner.Backend);
        var callbacks = new RunCallbacks(run, runDir, session, identity, resumed, learner.Backend);
        // Load and compile the plotting library on a spare core while training runs.
        var plotWarmUp = session.Plot ? Task.Run(run.WarmUpCurve) : null;
        bool learned = false;
        try
        {
            learner.Learn(run.Total, new CallbackList(callbacks.All));
            learned = true;
        }
        finally { callbacks.Close(learned); }

        if ((callbacks.Guard.Failure ?? callbacks.Checkpoints.Failure) is { } failure) throw new TrainingDivergedException(failure);
        if (session.Cancellation.IsCancellationRequested && learner.Progress < run.Total)
        {
            string? saved = callbacks.Checkpoints.SaveNow(learner);
            if (saved is null) throw new TrainingDivergedException(callbacks.Checkpoints.Failure!);
            throw new TrainingInterruptedException(runDir, saved, learner.Progress);
        }
        string final = WriteFinal(run, learner, runDir, identity, callbacks.RunState());
        if (session.Plot) SaveCurve(run, runDir, session, plotWarmUp);
        bool early = learner.Progress < run.Total;
        return new RunResult(runDir, final, learner.Progress, learner.NumUpdates, callbacks.Episodes?.MeanReturn ?? double.NaN, early)
        {
            LastEvaluation = callbacks.Evaluation?.Last,
            Backend = learner.Backend,
        };
    }

    /// <summary>What a resumed run continues from: the run layer's values in the checkpoint's manifest.</summary>
    internal sealed record Resumed(long Progress, double WallSeconds, long LastEval, string? EpisodeWindow)
    {
        public static readonly Resumed None = new(0, 0, 0, null);
    }

    static Resumed Restore(RunDefinition run, ILearner learner, string runDir, string checkpoint, CheckpointIdentity identity)
    {
        var (state, manifest) = CheckpointStore.Load(checkpoint, identity);
        using (state)
        {
            try { learner.RestoreState(state); }
            catch (InvalidDataException e) { throw new CheckpointException($"{checkpoint}: does not fit this {(run.ProgressUnit == "steps" ? "trainer" : "algorithm")}: {e.Message}", e); }
        }
        if (run.ProgressColumn == "timesteps") ProgressCsvCallback.TruncateForResume(Path.Combine(runDir, Trainer.ProgressFile), manifest.NumUpdates);
        else ProgressCsvCallback.TruncateForResume(Path.Combine(runDir, Trainer.ProgressFile), run.ProgressColumn, manifest.NumTimesteps);
        if (run.Evaluation?.CsvFile is string csv) TruncateEvaluations(Path.Combine(runDir, csv), manifest.NumTimesteps);
        return new Resumed(manifest.NumTimesteps, ParseDouble(manifest.Run.GetValueOrDefault("wall_seconds")),
            (long)ParseDouble(manifest.Run.GetValueOrDefault("last_eval_timesteps")), manifest.Run.GetValueOrDefault("episode_window"));
    }

    static string WriteFinal(RunDefinition run, ILearner learner, string runDir, CheckpointIdentity identity, IReadOnlyDictionary<string, string> runState)
    {
        string checkpointsDir = CheckpointStore.Folder(runDir);
        string final;
        using (var state = learner.CaptureState())
        {
            if (CheckpointCallback.FirstNonFinite(state) is { } bad)
                throw new TrainingDivergedException($"{learner.Name} on {run.TargetId} diverged: tensor '{bad}' holds NaN or infinity at the end of training; the last good checkpoint is kept.");
            state.Values.TryAdd("num_timesteps", learner.Progress.ToString(CultureInfo.InvariantCulture));
            state.Values.TryAdd("num_updates", learner.NumUpdates.ToString(CultureInfo.InvariantCulture));
            final = CheckpointStore.Write(checkpointsDir, CheckpointStore.FinalName, state, identity, runState);
        }
        CheckpointStore.Prune(checkpointsDir, run.Checkpoints.Keep);
        return final;
    }

    static void SaveCurve(RunDefinition run, string runDir, TrainingSession session, Task? warmUp)
    {
        try
        {
            warmUp?.Wait();
            run.SaveCurve(runDir, Path.Combine(runDir, Trainer.CurveFile));
        }
        catch (Exception e) when (e is ArgumentException or IOException or InvalidOperationException or TypeInitializationException or DllNotFoundException or AggregateException)
        { session.Warn?.Invoke($"{Trainer.CurveFile} not written: {e.Message} {e.InnerException?.Message}"); }
    }

    /// <summary>config.yaml with a last line naming the backend that runs this session (ignored when the file is read back).</summary>
    static void RecordBackend(RunDefinition run, string runDir, string backend) =>
        AtomicFile.WriteAllText(Path.Combine(runDir, Trainer.ConfigFile),
            run.ToYaml() + $"# the compute backend that ran (recorded by the run layer, ignored when read back)\n{Configuration.ConfigResolver.ResolvedBackendKey}: {backend}\n");

    static double ParseDouble(string? s) =>
        double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v) ? v : 0;

    /// <summary>Drops evaluation rows newer than the checkpoint (and a torn last row).</summary>
    static void TruncateEvaluations(string path, long maxTimesteps)
    {
        if (!File.Exists(path)) return;
        string text = File.ReadAllText(path);
        var lines = text.Split('\n');
        if (lines.Length < 2) { File.Delete(path); return; }
        var kept = new List<string> { lines[0] };
        for (int i = 1; i < lines.Length - 1; i++)
        {
            var c = lines[i].Split(',');
            if (c.Length == 4 && long.TryParse(c[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out long t) && t <= maxTimesteps) kept.Add(lines[i]);
        }
        AtomicFile.WriteAllText(path, string.Join('\n', kept) + "\n");
    }
}
