using System.Globalization;
using PolicyGradient.Core;
using PolicyGradient.Training.Checkpoints;

namespace PolicyGradient.Training;

/// <summary>
/// One run as the run layer sees it, whatever it trains: the learner to build, how far to train and
/// in what unit, the checkpoint identity and cadence, the progress.csv layout, the evaluation and the
/// stop condition, config.yaml and the learning curve. <see cref="Trainer"/> drives every run through
/// it with one loop, one checkpoint callback, one divergence guard, one progress CSV and one
/// TensorBoard writer. <see cref="EnvironmentRun"/> defines environment runs; the language package
/// defines language-task runs.
/// </summary>
public abstract class RunDefinition
{
    /// <summary>Algorithm name, e.g. "ppo" or "grpo".</summary>
    public abstract string Algorithm { get; }

    /// <summary>What is trained on: an environment id or a language task id.</summary>
    public abstract string TargetId { get; }

    /// <summary>The run's seed (part of the default run folder name).</summary>
    public abstract long Seed { get; }

    /// <summary>Progress to train to, in <see cref="ProgressUnit"/>.</summary>
    public abstract long Total { get; }

    /// <summary>"timesteps" or "steps" (the learner's <see cref="ILearner.ProgressUnit"/>).</summary>
    public abstract string ProgressUnit { get; }

    /// <summary>The configuration key of <see cref="Total"/> ("n_timesteps", "steps").</summary>
    public abstract string TotalKey { get; }

    /// <summary>The command-line option that sets <see cref="Total"/> ("--timesteps", "--steps").</summary>
    public abstract string TotalFlag { get; }

    /// <summary>Checkpoint cadence and retention.</summary>
    public abstract CheckpointCadence Checkpoints { get; }

    /// <summary>SHA-256 of everything that shapes the trained state (see <see cref="Configuration.ResolvedConfig.Hash"/>).</summary>
    public abstract string Hash { get; }

    /// <summary>Every configuration key with its canonical value text (linear schedules read "lin_...").</summary>
    public abstract IReadOnlyList<KeyValuePair<string, string>> Entries { get; }

    /// <summary>The run's config.yaml text (every key; read back it gives the same run).</summary>
    public abstract string ToYaml();

    /// <summary>The identity every checkpoint of the run carries and every restore checks.</summary>
    public abstract CheckpointIdentity Identity();

    /// <summary>
    /// Builds the learner. With <paramref name="restoring"/> its state is about to be replaced by a
    /// checkpoint's, so starting points outside the run (a language run's --init weights) are not read.
    /// </summary>
    public abstract ILearner CreateLearner(TrainingSession session, bool restoring);

    /// <summary>The progress counter's column in progress.csv ("timesteps", "step").</summary>
    public abstract string ProgressColumn { get; }

    /// <summary>The leading columns of progress.csv, in order.</summary>
    public abstract IReadOnlyList<string> ProgressColumns { get; }

    /// <summary>True when updates report finished episodes (mean return over the last 100, steps per second).</summary>
    public virtual bool CountsEpisodes => false;

    /// <summary>The periodic evaluation, or null for none.</summary>
    public virtual EvaluationPlan? Evaluation => null;

    /// <summary>Stop when the metric reaches the threshold, or null for never.</summary>
    public virtual (string Metric, double Threshold)? StopCondition => null;

    /// <summary>The learning curve's title.</summary>
    public virtual string CurveTitle => $"{Algorithm} {TargetId}";

    /// <summary>Loads and compiles the plotting code ahead of <see cref="SaveCurve"/> (called on a spare core).</summary>
    public virtual void WarmUpCurve() => Plotting.LearningCurvePlot.WarmUp();

    /// <summary>Draws learning-curve.png from the run folder's progress.csv (the one plot of every kind of run).</summary>
    public virtual void SaveCurve(string runDir, string curvePath) => Plotting.LearningCurvePlot.Save([(CurveTitle, runDir)], curvePath);

    /// <summary>
    /// A warning for a resume that changes the total, comparing <paramref name="before"/> (the run's own
    /// definition) with this one at <paramref name="progress"/>, or null. Linear schedules ("lin_...",
    /// learning rates, clip ranges) anneal over the total, so a new total re-stretches them from the
    /// checkpoint on (SB3's learn(reset_num_timesteps=False) does the same): the warning names each one
    /// and its jump at the checkpoint.
    /// </summary>
    public virtual string? ResumeNote(RunDefinition before, long progress)
    {
        long oldTotal = before.Total, newTotal = Total;
        if (oldTotal == newTotal) return null;
        var jumps = new List<string>();
        foreach (var (key, text) in Entries)
        {
            if (!text.StartsWith("lin_", StringComparison.OrdinalIgnoreCase) && !text.StartsWith("linear_", StringComparison.OrdinalIgnoreCase)) continue;
            var schedule = Schedule.Parse(text);
            double from = schedule.Value(1.0 - (double)progress / oldTotal), to = schedule.Value(1.0 - (double)progress / newTotal);
            jumps.Add(string.Create(CultureInfo.InvariantCulture, $"{key} {from:G3} -> {to:G3}"));
        }
        if (jumps.Count == 0) return null;
        return string.Create(CultureInfo.InvariantCulture,
            $"{TotalFlag} {newTotal} re-stretches the linear schedules to end at step {newTotal} instead of {oldTotal}; at the checkpoint (step {progress}) they jump: {string.Join(", ", jumps)}. The result is not the run you would get by training to {newTotal} from the start (see docs/training.md).");
    }
}
