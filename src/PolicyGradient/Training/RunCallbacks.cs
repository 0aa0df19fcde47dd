using System.Globalization;
using PolicyGradient.Core;
using PolicyGradient.Training.Callbacks;
using PolicyGradient.Training.Checkpoints;

namespace PolicyGradient.Training;

/// <summary>
/// The run layer's callbacks for one session, in the order they see each update: wall clock, episode
/// statistics (environment runs), evaluation, divergence guard, progress.csv, TensorBoard, the
/// session's observers, checkpoints, the stop condition, the session's callbacks, the stop request.
/// The guard comes before the checkpoint callback, so no checkpoint is written after divergence.
/// </summary>
internal sealed class RunCallbacks
{
    readonly RunLoop.Resumed _resumed;
    readonly TensorBoardCallback? _tensorBoard;
    readonly ProgressCsvCallback _progress;
    double _lastWall;

    public RunCallbacks(RunDefinition run, string runDir, TrainingSession session, CheckpointIdentity identity, RunLoop.Resumed resumed, string backend)
    {
        _resumed = resumed;
        if (run.CountsEpisodes)
        {
            Episodes = new EpisodeStatisticsCallback();
            Episodes.Load(resumed.EpisodeWindow, resumed.Progress);
        }
        if (run.Evaluation is { } plan)
            Evaluation = new EvaluationCallback(plan.Create(), plan.Every, plan.CsvFile is null ? null : Path.Combine(runDir, plan.CsvFile),
                resumed.LastEval, plan.AtEnd ? run.Total : 0, plan.Aligned);
        Guard = new DivergenceGuardCallback(run.TargetId);
        _progress = new ProgressCsvCallback(Path.Combine(runDir, Trainer.ProgressFile), resumed.WallSeconds, run.ProgressColumns, run.ProgressColumn,
            new Dictionary<string, string> { ["backend"] = backend });
        _tensorBoard = session.TensorBoard ? new TensorBoardCallback(runDir, session.BackgroundWrites) : null;
        var cadence = run.Checkpoints;
        long every = cadence.Every > 0 ? cadence.Every : Math.Max(1, run.Total / 10);
        Checkpoints = new CheckpointCallback(CheckpointStore.Folder(runDir), identity, every, TimeSpan.FromMinutes(cadence.Minutes), cadence.Keep,
            RunState, () => Guard.Healthy, resumed.Progress, session.Time, session.BackgroundWrites) { SkipAt = cadence.AtLastUpdate ? 0 : run.Total };

        var all = new List<IRunCallback> { new WallClockCallback(resumed.WallSeconds, s => _lastWall = s) };
        if (Episodes is not null) all.Add(Episodes);
        if (Evaluation is not null) all.Add(Evaluation);
        all.Add(Guard);
        all.Add(_progress);
        if (_tensorBoard is not null) all.Add(_tensorBoard);
        all.AddRange(session.Observers);
        all.Add(Checkpoints);
        if (run.StopCondition is var (metric, threshold)) all.Add(new StopOnRewardThresholdCallback(threshold, metric));
        all.AddRange(session.Callbacks);
        // A stop request is honoured between updates only: there the state is consistent to checkpoint.
        if (session.Cancellation.CanBeCanceled) all.Add(new StopOnCancellationCallback(session.Cancellation));
        All = all;
    }

    /// <summary>Every callback, in order.</summary>
    public IReadOnlyList<IRunCallback> All { get; }

    /// <summary>Episode statistics (environment runs), else null.</summary>
    public EpisodeStatisticsCallback? Episodes { get; }

    /// <summary>The periodic evaluation, or null.</summary>
    public EvaluationCallback? Evaluation { get; }

    /// <summary>The divergence guard.</summary>
    public DivergenceGuardCallback Guard { get; }

    /// <summary>The checkpoint callback.</summary>
    public CheckpointCallback Checkpoints { get; }

    /// <summary>The run layer's values stored in every checkpoint's manifest.</summary>
    public IReadOnlyDictionary<string, string> RunState()
    {
        var state = new Dictionary<string, string>();
        if (Episodes is not null) state["episode_window"] = Episodes.Save();
        state["wall_seconds"] = (_resumed.WallSeconds + _lastWall).ToString("R", CultureInfo.InvariantCulture);
        state["last_eval_timesteps"] = (Evaluation?.LastTimesteps ?? _resumed.LastEval).ToString(CultureInfo.InvariantCulture);
        return state;
    }

    /// <summary>
    /// Closes the files and waits for queued event and checkpoint writes; a write failure is reported
    /// unless training already failed (<paramref name="learned"/> false: that failure is on its way out).
    /// </summary>
    public void Close(bool learned)
    {
        _progress.Dispose();
        Evaluation?.Dispose();
        try { _tensorBoard?.Dispose(); Checkpoints.Flush(); }
        catch (Exception) when (!learned) { }
    }
}
