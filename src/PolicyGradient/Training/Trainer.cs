using System.Globalization;
using PolicyGradient.Algorithms;
using PolicyGradient.Environments;
using PolicyGradient.Serialization;
using PolicyGradient.Training.Callbacks;
using PolicyGradient.Training.Checkpoints;
using PolicyGradient.Training.Configuration;
using PolicyGradient.Training.Plotting;
using PolicyGradient.Core;
using TorchSharp;

namespace PolicyGradient.Training;

/// <summary>
/// Runs training sessions into a run folder: config.yaml, progress.csv, TensorBoard events,
/// periodic and final checkpoints, evaluations.csv, learning-curve.png. <see cref="Train"/> starts
/// a run; <see cref="Resume"/> continues one from its newest complete checkpoint in the same folder.
/// </summary>
public static class Trainer
{
    /// <summary>File names in a run folder.</summary>
    public const string ConfigFile = "config.yaml", ProgressFile = "progress.csv", EvaluationsFile = "evaluations.csv", CurveFile = "learning-curve.png";

    /// <summary>Starts a new run in <paramref name="runDir"/> (created by <see cref="RunFolder.Create"/>).</summary>
    /// <exception cref="TrainingDivergedException">A metric or tensor became NaN/∞ (the last good checkpoint is kept).</exception>
    public static RunResult Train(ResolvedConfig config, string runDir, TrainingSession session)
    {
        AtomicFile.WriteAllText(Path.Combine(runDir, ConfigFile), config.ToYaml());
        return Run(config, runDir, session, resumeFrom: null);
    }

    /// <summary>
    /// Continues the run in <paramref name="runDir"/> from its newest complete checkpoint, up to
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
        var overrides = totalTimesteps is long t ? ConfigLayer.FromScalars("--timesteps", [new("n_timesteps", ConfigLayer.Text(t))]) : null;
        var config = ConfigResolver.FromRunConfig(Path.Combine(full, ConfigFile), overrides: overrides);
        var warnings = new List<string>();
        string checkpoint = CheckpointStore.LatestComplete(full, warnings)
            ?? throw new CheckpointException($"{full}: no complete checkpoint to resume from" + (warnings.Count > 0 ? $" ({string.Join("; ", warnings)})" : "; start the run again with pg train"));
        foreach (string w in warnings) session.Warn?.Invoke(w);
        var manifest = CheckpointStore.Verify(checkpoint);
        if (manifest.NumTimesteps >= config.Run.NTimesteps)
            throw new ArgumentException($"the run already reached {manifest.NumTimesteps} timesteps (n_timesteps {config.Run.NTimesteps}); pass --timesteps with a larger total to train further");
        if (overrides is not null)
        {
            if (ScheduleStretch(ConfigResolver.FromRunConfig(Path.Combine(full, ConfigFile)), config, manifest.NumTimesteps) is { } note) session.Warn?.Invoke(note);
            AtomicFile.WriteAllText(Path.Combine(full, ConfigFile), config.ToYaml());
        }
        return Run(config, full, session, checkpoint);
    }

    static RunResult Run(ResolvedConfig config, string runDir, TrainingSession session, string? resumeFrom)
    {
        var descriptor = AlgorithmRegistry.Get(config.Algorithm);
        var run = config.Run;
        using var evalEnv = Envs.Make(config.EnvId, run.EnvKwargs);
        var identity = new CheckpointIdentity(descriptor.Name, config.EnvId, evalEnv.ObservationSpace.ToString(), evalEnv.ActionSpace.ToString(), config.Hash);
        torch.manual_seed(run.Seed);
        using var algorithm = descriptor.Create(config.Options, new AlgorithmContext(config.EnvId, run.Seed, session.Device, run.EnvKwargs, session.Deterministic));

        var episodes = new EpisodeStatisticsCallback();
        double wallOffset = 0;
        long lastCheckpoint = 0, lastEval = 0;
        string progressPath = Path.Combine(runDir, ProgressFile);
        if (resumeFrom is not null)
        {
            var (state, manifest) = CheckpointStore.Load(resumeFrom, identity);
            using (state)
            {
                try { algorithm.RestoreState(state); }
                catch (InvalidDataException e) { throw new CheckpointException($"{resumeFrom}: does not fit this algorithm: {e.Message}", e); }
            }
            episodes.Load(manifest.Run.GetValueOrDefault("episode_window"), manifest.NumTimesteps);
            wallOffset = ParseDouble(manifest.Run.GetValueOrDefault("wall_seconds"));
            lastCheckpoint = manifest.NumTimesteps;
            lastEval = (long)ParseDouble(manifest.Run.GetValueOrDefault("last_eval_timesteps"));
            ProgressCsvCallback.TruncateForResume(progressPath, manifest.NumUpdates);
            TruncateEvaluations(Path.Combine(runDir, EvaluationsFile), manifest.NumTimesteps);
        }

        var guard = new DivergenceGuardCallback(config.EnvId);
        var progress = new ProgressCsvCallback(progressPath, wallOffset);
        var evaluation = run.EvalFreq > 0 ? new EvaluationCallback(Envs.Make(config.EnvId, run.EnvKwargs), run.EvalFreq, run.EvalEpisodes, run.Seed + 1_000_000, Path.Combine(runDir, EvaluationsFile), lastEval) : null;
        double lastWall = 0;
        IReadOnlyDictionary<string, string> RunState() => new Dictionary<string, string>
        {
            ["episode_window"] = episodes.Save(),
            ["wall_seconds"] = (wallOffset + lastWall).ToString("R", CultureInfo.InvariantCulture),
            ["last_eval_timesteps"] = (evaluation?.LastTimesteps ?? lastEval).ToString(CultureInfo.InvariantCulture),
        };
        long every = run.CheckpointEvery > 0 ? run.CheckpointEvery : Math.Max(1, run.NTimesteps / 10);
        string checkpointsDir = CheckpointStore.Folder(runDir);
        var checkpoints = new CheckpointCallback(checkpointsDir, identity, every, TimeSpan.FromMinutes(run.CheckpointMinutes), run.KeepCheckpoints,
            RunState, () => guard.Healthy, lastCheckpoint, session.Time, session.BackgroundWrites);
        var threshold = run.StopRewardThreshold is double th ? new StopOnRewardThresholdCallback(th, useEvaluation: evaluation is not null) : null;
        var wall = new WallClockCallback(s => lastWall = s);
        var tensorBoard = session.TensorBoard ? new TensorBoardCallback(runDir, session.BackgroundWrites) : null;

        var list = new List<ITrainingCallback> { wall, episodes };
        if (evaluation is not null) list.Add(evaluation);
        list.Add(guard);
        list.Add(progress);
        if (tensorBoard is not null) list.Add(tensorBoard);
        list.Add(checkpoints);
        if (threshold is not null) list.Add(threshold);
        list.AddRange(session.Callbacks);
        // A stop request is honoured between updates only: there the state is consistent to checkpoint.
        if (session.Cancellation.CanBeCanceled) list.Add(new StopOnCancellationCallback(session.Cancellation));
        // Load and compile the plotting library on a spare core while training runs.
        var plotWarmUp = session.Plot ? Task.Run(LearningCurvePlot.WarmUp) : null;
        bool learned = false;
        try
        {
            algorithm.Learn(run.NTimesteps, new CallbackList(list));
            learned = true;
        }
        finally
        {
            progress.Dispose();
            evaluation?.Dispose();
            // Queued event and checkpoint writes reach the disk before anything else happens; a write
            // failure is reported unless another failure is already on its way out.
            try { tensorBoard?.Dispose(); checkpoints.Flush(); }
            catch (Exception) when (!learned) { }
        }

        if ((guard.Failure ?? checkpoints.Failure) is { } failure) throw new TrainingDivergedException(failure);
        if (session.Cancellation.IsCancellationRequested && algorithm.NumTimesteps < run.NTimesteps)
        {
            string? saved = checkpoints.SaveNow(algorithm);
            if (saved is null) throw new TrainingDivergedException(checkpoints.Failure!);
            throw new TrainingInterruptedException(runDir, saved, algorithm.NumTimesteps);
        }
        string final;
        using (var state = algorithm.CaptureState())
        {
            if (CheckpointCallback.FirstNonFinite(state) is { } bad)
                throw new TrainingDivergedException($"{descriptor.Name} on {config.EnvId} diverged: tensor '{bad}' holds NaN or infinity at the end of training; the last good checkpoint is kept.");
            state.Values.TryAdd("num_timesteps", algorithm.NumTimesteps.ToString(CultureInfo.InvariantCulture));
            state.Values.TryAdd("num_updates", algorithm.NumUpdates.ToString(CultureInfo.InvariantCulture));
            final = CheckpointStore.Write(checkpointsDir, CheckpointStore.FinalName, state, identity, RunState());
        }
        CheckpointStore.Prune(checkpointsDir, run.KeepCheckpoints);
        if (session.Plot)
        {
            plotWarmUp?.Wait();
            try { LearningCurvePlot.Save([($"{descriptor.Name} {config.EnvId} (seed {run.Seed})", runDir)], Path.Combine(runDir, CurveFile)); }
            catch (Exception e) when (e is ArgumentException or IOException or TypeInitializationException or DllNotFoundException)
            { session.Warn?.Invoke($"learning-curve.png not written: {e.Message} {e.InnerException?.Message}"); }
        }
        bool early = algorithm.NumTimesteps < run.NTimesteps;
        return new RunResult(runDir, final, algorithm.NumTimesteps, algorithm.NumUpdates, episodes.MeanReturn, early);
    }

    /// <summary>
    /// Linear schedules anneal over n_timesteps, so a resume with a new total re-stretches them from
    /// the checkpoint on (SB3's learn(reset_num_timesteps=False) does the same). Returns a warning that
    /// names each linear schedule and its jump at the checkpoint, or null when there is none.
    /// </summary>
    internal static string? ScheduleStretch(ResolvedConfig before, ResolvedConfig after, long timesteps)
    {
        long oldTotal = before.Run.NTimesteps, newTotal = after.Run.NTimesteps;
        if (oldTotal == newTotal) return null;
        var jumps = new List<string>();
        foreach (var (key, text) in after.Entries)
        {
            if (!text.StartsWith("lin_", StringComparison.OrdinalIgnoreCase) && !text.StartsWith("linear_", StringComparison.OrdinalIgnoreCase)) continue;
            var schedule = Schedule.Parse(text);
            double from = schedule.Value(1.0 - (double)timesteps / oldTotal), to = schedule.Value(1.0 - (double)timesteps / newTotal);
            jumps.Add(string.Create(CultureInfo.InvariantCulture, $"{key} {from:G3} -> {to:G3}"));
        }
        if (jumps.Count == 0) return null;
        return string.Create(CultureInfo.InvariantCulture,
            $"--timesteps {newTotal} re-stretches the linear schedules to end at step {newTotal} instead of {oldTotal}; at the checkpoint (step {timesteps}) they jump: {string.Join(", ", jumps)}. The result is not the run you would get by training to {newTotal} from the start (see docs/training.md).");
    }

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
