using System.Globalization;
using PolicyGradient.Core;
using PolicyGradient.Training;
using PolicyGradient.Training.Checkpoints;
using PolicyGradient.Training.Configuration;

namespace PolicyGradient.Language.Runs;

/// <summary>
/// Language-model runs into a run folder through the one run layer (<see cref="Trainer"/> with a
/// <see cref="LanguageRun"/>): config.yaml, progress.csv (one row per step), TensorBoard events,
/// checkpoints/step-N and final (atomic, HF weights + optimizer + generator states + step; never one
/// holding NaN/∞), learning-curve.png; the divergence guard stops a run whose metrics turn non-finite.
/// <see cref="Resume"/> continues from the newest complete checkpoint and, with the same seed and one
/// thread, ends with the same weights and the same progress.csv (timing columns aside) as an
/// uninterrupted run.
/// </summary>
public static class LanguageRunner
{
    /// <summary>File names in the run folder.</summary>
    public const string ConfigFile = Trainer.ConfigFile, ProgressFile = Trainer.ProgressFile, CurveFile = Trainer.CurveFile;

    /// <summary>Trains <paramref name="config"/> into <paramref name="runDir"/> (which should be new or empty).</summary>
    /// <exception cref="ArgumentException">A bad --init path.</exception>
    /// <exception cref="IOException">The run folder cannot be written.</exception>
    /// <exception cref="TrainingDivergedException">A metric or the weights became NaN/∞ (the last good checkpoint is kept).</exception>
    public static LanguageRunResult Train(LanguageRunConfig config, string runDir, LanguageRunSession? session = null)
    {
        var run = new LanguageRun(config);
        var observer = new StepRecords(run, session?.OnStep);
        var result = Trainer.Train(run, runDir, Session(session, observer));
        return observer.Result(result);
    }

    /// <summary>
    /// Continues the run in <paramref name="runDir"/> from its newest complete checkpoint up to
    /// <paramref name="steps"/> steps in total (default: the run's <c>steps</c>; a new total is written to config.yaml).
    /// </summary>
    /// <exception cref="ConfigurationException">No or invalid config.yaml.</exception>
    /// <exception cref="CheckpointException">No complete checkpoint, or one written with another configuration.</exception>
    /// <exception cref="ArgumentException">The run already reached the total.</exception>
    public static LanguageRunResult Resume(string runDir, int? steps = null, LanguageRunSession? session = null)
    {
        string configPath = Path.Combine(runDir, ConfigFile);
        var overrides = steps is int n ? ConfigLayer.FromScalars("--steps", [new("steps", n.ToString(CultureInfo.InvariantCulture))]) : null;
        var run = new LanguageRun(LanguageRunConfig.FromRunConfig(configPath, overrides));
        var original = overrides is null ? null : new LanguageRun(LanguageRunConfig.FromRunConfig(configPath));
        var observer = new StepRecords(run, session?.OnStep);
        var result = Trainer.Resume(run, runDir, Session(session, observer), original);
        return observer.Result(result);
    }

    static TrainingSession Session(LanguageRunSession? s, IRunCallback observer) => new()
    {
        Device = s?.Device ?? TorchSharp.torch.CPU,
        Warn = s?.Warn,
        Cancellation = s?.Cancellation ?? default,
        Time = s?.Time ?? TimeProvider.System,
        Observers = [observer],
    };

    /// <summary>Turns each update into a <see cref="LanguageStepRecord"/> for the session's observer and keeps the last.</summary>
    sealed class StepRecords(LanguageRun run, Action<LanguageStepRecord>? onStep) : IRunCallback
    {
        LanguageStepRecord? _last;

        public bool OnUpdateEnd(ILearner learner, UpdateMetrics metrics)
        {
            var names = run.MetricNames;
            double[] values = [.. names.Select(n => metrics.Values.GetValueOrDefault(n, double.NaN))];
            double? accuracy = metrics.Values.TryGetValue(HeldOutEvaluation.Metric, out double a) ? a : null;
            _last = new LanguageStepRecord((int)metrics.Timesteps, (int)run.Total, names, values, accuracy, metrics.WallSecondsBefore + metrics.WallSeconds);
            onStep?.Invoke(_last);
            return true;
        }

        public LanguageRunResult Result(RunResult r) =>
            new(r.RunDir, (int)r.Timesteps, r.FinalCheckpoint, r.LastEvaluation?.MeanReturn ?? double.NaN, _last);
    }
}
